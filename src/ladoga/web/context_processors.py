from .navigation import SECTIONS, section_url


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    items = []
    for section in SECTIONS:
        url = section_url(section)
        active = path == url if url == "/" else path.startswith(url)
        items.append({"key": section.key, "title": section.title, "url": url, "active": active})
    return {"nav_sections": items}
