from .site import site_url


def site(request):
    return {"SITE_URL": site_url()}
