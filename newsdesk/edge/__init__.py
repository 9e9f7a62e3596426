"""Full-page caching at the edge: surrogate keys on responses, Cache-Control/ETag, and exact purge.

Pages carry ``X-Surrogate-Keys`` (article, section, person, topic, home, feeds, sitemaps ...); the reverse proxy
(Varnish, deploy/varnish/) caches them and bans by key when ``services.purge_article`` asks it to after commit.
"""
