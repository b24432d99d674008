from django.conf import settings


def site(request):
    return {"SITE_NAME": settings.SITE_NAME, "CONTACT_EMAIL": settings.CONTACT_EMAIL}


def viewer_zone(request):
    """The viewer's time zone for templates: None when not known (accounts/viewer.py)."""
    return {"viewer_zone": getattr(request, "viewer_zone", None)}
