from .navigation import SECTIONS, section_link


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    path = request.path
    items = []
    for section in SECTIONS:
        url, ready = section_link(section)
        items.append(
            {
                "key": section.key,
                "title": section.title,
                "description": section.description,
                "icon": section.icon,
                "url": url,
                "ready": ready,
                "active": False,
            }
        )
    # The section whose address is the longest prefix of the page's is the current one, so
    # /interactions/calendar/ marks Calendar and not Interactions as well.
    matching = [
        i for i in items if path == i["url"] or (i["url"] != "/" and path.startswith(i["url"]))
    ]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_sections": items}
