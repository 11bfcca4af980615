"""The browser pages: server-rendered Jinja templates with a little JavaScript.

Pages call the JSON API (`/api/v1`) from the browser with the session cookie
(`web.session`), or the same engine services the API calls; never the tables or
SpiffWorkflow. Each page family is a blueprint of its own module, nested in the `web`
blueprint (endpoints `web.<family>.<view>`); `web.shell`
holds what they share (the page guard, the layout's context, the policy).
Scripts and styles are the esbuild bundle under `web/static/build/` (`make setup`).
"""


def register(app):
    from . import (admin, designer, dossiers, inbox, monitor, notifications, public, reception,
                   session, shell)
    pages = shell.pages()
    for module in (session, public, reception, inbox, dossiers, designer, monitor, admin,
                   notifications):
        pages.register_blueprint(module.bp)
    app.register_blueprint(pages)
    shell.register(app)
