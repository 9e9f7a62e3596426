"""A strict Content-Security-Policy on every response (Django 5.2 has no built-in CSP)."""

from django.conf import settings
from django.core.exceptions import BadRequest

READER_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src https://www.youtube-nocookie.com https://player.vimeo.com; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Django's admin templates still carry a few inline style attributes; scripts stay 'self' only.
NEWSROOM_POLICY = READER_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), interest-cohort=()"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.newsroom_prefix = "/newsroom/"

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            newsroom = request.path.startswith(self.newsroom_prefix)
            response["Content-Security-Policy"] = NEWSROOM_POLICY if newsroom else READER_POLICY
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class ExpectedBadRequestMiddleware:
    """A view's BadRequest (a damaged "More news" cursor, a malformed date) is the reader's mistake, not ours:
    answer the site's 400 page here, so Django logs it as one "Bad Request" line instead of a traceback."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            from .views import bad_request

            return bad_request(request, exception)
        return None


def site_url() -> str:
    return settings.NEWSDESK_SITE_URL
