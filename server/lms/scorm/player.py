"""The player page: the organization's item tree, the SCO in a frame, and the runtime API the SCO finds by
walking up `window.parent` (scorm-again's `Scorm12API` as `window.API`, `Scorm2004API` as `window.API_1484_11`).

The page, the runtime and the package's files are served under one launch session's path, so the SCO's frame
is same-origin with the page that holds the API. The runtime commits to the session's commit route
(synchronous JSON commits, scorm-again's default; the final one marked `?finished=true`). Everything the
page needs is rendered into it; text is HTML-escaped and the JSON is made safe for a <script> element.
"""
from __future__ import annotations

import html
import json
from urllib.parse import quote

from lms.scorm.package import V12

RUNTIME = {V12: ("scorm12.min.js", "Scorm12API", "API")}
RUNTIME_2004 = ("scorm2004.min.js", "Scorm2004API", "API_1484_11")


def runtime_of(version: str) -> tuple[str, str, str]:
    return RUNTIME.get(version, RUNTIME_2004)


def _json(value) -> str:
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _tree(items: list[dict], base: str, current: str, statuses: dict[str, str], locked: set[str]) -> str:
    parts = ["<ul>"]
    for item in items:
        if not item.get("visible", True):
            continue
        title = html.escape(item["title"])
        if item.get("sco") in locked:  # (its prerequisites are not met: not a link)
            parts.append(f'<li><span aria-disabled="true">{title}</span> <small>locked</small>')
        elif item.get("sco"):
            mark = ' aria-current="page"' if item["sco"] == current else ""
            status = html.escape(statuses.get(item["sco"], ""))
            parts.append(f'<li><a href="{base}?sco={quote(item["sco"], safe="")}"{mark}>{title}</a>'
                         f' <small>{status}</small>')
        else:
            parts.append(f"<li><span>{title}</span>")
        if item.get("children"):
            parts.append(_tree(item["children"], base, current, statuses, locked))
        parts.append("</li>")
    parts.append("</ul>")
    return "".join(parts)


def render(*, base: str, version: str, title: str, organization: dict, sco: dict, attempt: int,
           statuses: dict[str, str], data: dict, locked: set[str] = frozenset()) -> str:
    """The page for one SCO; `base` is the session's path (`/api/lms/scorm/sessions/<tenant>/<session>`)."""
    script, constructor, name = runtime_of(version)
    player = f"{base}/player"
    config = {
        "api": name, "constructor": constructor, "cmi": data,
        "content": f"{base}/content/{quote(sco['launch'], safe='/?&=#%;:@+,')}",
        "commit": f"{base}/commit?sco={quote(sco['identifier'], safe='')}&attempt={attempt}",
    }
    tree = _tree(organization.get("items", []), player, sco["identifier"], statuses, set(locked))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="referrer" content="no-referrer">
<style>body{{margin:0;display:flex;height:100vh;font-family:sans-serif}}nav{{width:16rem;overflow:auto;
padding:.5rem;border-right:1px solid #ccc}}nav ul{{padding-left:1rem}}iframe{{flex:1;border:0;height:100%}}</style>
<script src="{base}/runtime/{script}"></script>
</head><body>
<nav><h1 style="font-size:1rem">{html.escape(organization.get("title") or title)}</h1>{tree}</nav>
<iframe id="sco" title="{html.escape(sco['title'])}"></iframe>
<script>
(function () {{
  var config = {_json(config)};
  var settings = {{
    autocommit: true, autocommitSeconds: 10, lmsCommitUrl: config.commit, dataCommitFormat: "json",
    terminateCommitParam: "finished", logLevel: 4, commitRequestDataType: "application/json",
    terminationCommitContentType: "application/json",
    xhrResponseHandler: function (xhr) {{
      var body = {{}};
      try {{ body = JSON.parse(xhr.responseText || "{{}}"); }} catch (e) {{}}
      var ok = xhr.status >= 200 && xhr.status < 300 && body.result === true;
      return {{result: ok, errorCode: ok ? 0 : 101}};
    }}
  }};
  var api = new window[config.constructor](settings);
  api.loadFromJSON(config.cmi);
  window[config.api] = api;
  window.scormPlayer = {{api: api, config: config}};
  document.getElementById("sco").src = config.content;
}})();
</script>
</body></html>
"""
