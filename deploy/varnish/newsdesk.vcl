vcl 4.1;
# Newsdesk's shared page cache (README "Scale out"). The app tags each page with X-Surrogate-Keys
# ("article:123,section:politics,home") and purges exactly those pages with a BAN carrying X-Purge-Keys.
# backends.vcl (beside this file, written per deployment) defines the `purgers` ACL and the sub
# `newsdesk_backend` that picks the app (pages) and the live backend (Server-Sent Events).

include "backends.vcl";

sub vcl_recv {
    call newsdesk_backend;
    if (req.method == "BAN") {
        if (!client.ip ~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (req.http.X-Purge-Keys !~ "^[A-Za-z0-9:_|-]+$") {
            return (synth(400, "X-Purge-Keys: surrogate keys separated by |"));
        }
        # Only obj.* in the expression, so the ban lurker can retire the ban in the background.
        ban("obj.http.X-Surrogate-Keys ~ (^|,)(" + req.http.X-Purge-Keys + ")(,|$)");
        return (synth(200, "Banned"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Signed-in newsroom users always see the live page.
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # The newsroom, the live stream and the two pages that read the filter cookie go to the app untouched.
    if (req.url ~ "^/(newsroom|live)/" || req.url ~ "^/news/(mine|filter)/") {
        return (pass);
    }
    # Everything else is the same for every reader: cookies never reach the app, so they cannot poison the cache.
    unset req.http.Cookie;
    return (hash);
}

sub vcl_backend_response {
    # A page that sets a cookie is personal: never store it (the app marks those private too).
    if (beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # Keep expired pages a while so that a revalidation can answer 304 (the app sends ETags).
    set beresp.keep = 1h;
    if (bereq.url ~ "^/live/") {
        set beresp.do_stream = true;
        set beresp.uncacheable = true;
    }
    return (deliver);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Surrogate-Keys;
    unset resp.http.Via;
    unset resp.http.X-Varnish;
}
