"""One setting behind every button that leads to the book's repository: ``repository.url`` in ``_config.yml``.

The repository button, the "open issue" button and the Binder and Colab launch buttons of
sphinx-book-theme all point into the repository. With ``repository.url`` empty (no public
repository yet) the book shows none of them, rather than buttons that lead nowhere; with a URL
they all appear, pointing there (``repository.branch`` names the branch they open). The launch
services themselves are configured once, under ``launch_buttons`` in ``_config.yml``.

``html.use_repository_button`` and friends are left out of ``_config.yml`` on purpose: Jupyter
Book refuses them without a URL, and this extension sets them from the URL instead.
"""

from __future__ import annotations

from typing import Any

from sphinx.application import Sphinx
from sphinx.config import Config

#: The launch services that need a repository to open a chapter from.
REPOSITORY_LAUNCHERS = ("binderhub_url", "jupyterhub_url", "colab_url")


def repository_options(theme_options: dict[str, Any]) -> dict[str, Any]:
    """The theme options with every repository button on when a repository URL is set, off when not.

    >>> off = repository_options({"repository_url": "", "launch_buttons": {"colab_url": "https://colab"}})
    >>> off["use_repository_button"], off["use_issues_button"], off["launch_buttons"]
    (False, False, {})
    >>> on = repository_options({"repository_url": "https://github.com/o/r", "launch_buttons": {"colab_url": "c"}})
    >>> on["use_repository_button"], on["use_issues_button"], on["launch_buttons"]
    (True, True, {'colab_url': 'c'})
    """
    options = dict(theme_options)
    url = str(options.get("repository_url") or "").strip()
    options["repository_url"] = url
    options["use_repository_button"] = bool(url)
    options["use_issues_button"] = bool(url)
    options["use_edit_page_button"] = False  # chapters are notebooks: edit them in JupyterLab
    if not url:
        launch = {k: v for k, v in (options.get("launch_buttons") or {}).items() if k not in REPOSITORY_LAUNCHERS}
        options["launch_buttons"] = {} if not launch.get("thebe") else launch
    return options


def _apply(app: Sphinx, config: Config) -> None:
    config.html_theme_options = repository_options(config.html_theme_options)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("config-inited", _apply)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
