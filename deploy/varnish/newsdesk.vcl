vcl 4.1;
# Newsdesk's shared page cache (README "Scale out"). The app tags each page with X-Surrogate-Keys
# ("article:123,section:politics,home") and invalidates exactly those pages with a PURGE carrying X-Purge-Keys.
# backends.vcl (beside this file, written per deployment) defines the `purgers` ACL and the sub
# `newsdesk_backend` that picks the app (pages) and the live backend (Server-Sent Events).
#
# Invalidation is a *soft* purge (xkey, Debian package varnish-modules): the pages are marked expired but kept,
# so the first reader after a publish starts ONE background re-render while everybody else still gets the old
# copy — for at most STALE_AFTER_PURGE (req.grace below), after which readers wait for the new copy. A hard
# purge or ban would make every reader of the home page queue behind its re-render after each publish.

import xkey;

include "backends.vcl";

sub vcl_recv {
    call newsdesk_backend;
    if (req.method == "PURGE") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (req.http.X-Purge-Keys !~ "^[A-Za-z0-9:_-]+(,[A-Za-z0-9:_-]+)*$") {
            return (synth(400, "X-Purge-Keys: surrogate keys separated by commas"));
        }
        set req.http.X-Purged = xkey.softpurge(req.http.X-Purge-Keys);
        return (synth(200, "Purged " + req.http.X-Purged));
    }
    # STALE_AFTER_PURGE: a purged page is served stale at most this long while it is re-rendered (the
    # publish-to-page bound is this plus one render). Pages that merely expired use the same bound.
    set req.grace = 1s;
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in newsroom users always see the live page.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # The live stream is piped: Varnish only copies bytes between the reader and the live process, with one
    # thread per connection instead of a client and a fetch thread each woken for every event.
    if (req.url ~ "^/live/stream") {
        return (pipe);
    }
    # The newsroom, the live polling and the two pages that read the filter cookie go to the app untouched.
    if (req.url ~ "^/(newsroom|live)/" || req.url ~ "^/news/(mine|filter)/") {
        return (pass);
    }
    # Everything else is the same for every reader: cookies never reach the app, so they cannot poison the cache.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_pipe {
    # One stream per backend connection: nothing else may follow it down the pipe.
    set bereq.http.Connection = "close";
}

sub vcl_backend_response {
    # A page that sets a cookie is personal: never store it (the app marks those private too).
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The keys xkey indexes (it splits on commas), so a purge finds exactly the pages that carry one.
    set beresp.http.xkey = beresp.http.X-Surrogate-Keys;
    # Grace is what lets a soft-purged page be served while one request re-renders it (req.grace bounds it).
    set beresp.grace = 30s;
    # Keep expired pages a while so that a revalidation can answer 304 (the app sends ETags).
    set beresp.keep = 1h;
    if (bereq.url ~ "^/live/") {
        set beresp.do_stream = true;
        set beresp.uncacheable = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0 && obj.ttl < 0s) {
        set resp.http.X-Cache = "STALE";  # purged or expired, served while one request re-renders it
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Surrogate-Keys;
    unset resp.http.xkey;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
