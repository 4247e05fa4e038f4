def dashboard_section(request):
    """This app's part of the signed-in user's dashboard, or None."""
    return None
