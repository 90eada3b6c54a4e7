"""`qtgov serve`: preview one language of the handbook with live reload.

The pages are rendered into a docs directory that MkDocs' own development server watches; a
small polling thread watches the repository's records and re-renders when one changes, writing
only the pages whose text changed. MkDocs then rebuilds and reloads the browser. Nothing of
qtgov runs inside MkDocs.
"""

from __future__ import annotations

import copy
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qtgov.errors import UsageError
from qtgov.site.pipeline import BuildBlocked, BuildOptions, absolute, prepare, render_language

log = logging.getLogger("qtgov.serve")
WATCHED = ("charter", "members", "agreements", "mkdocs.yml")


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """(mtime, size) of every watched file; a change in any of them means re-rendering."""
    out: dict[str, tuple[int, int]] = {}
    for name in WATCHED:
        top = root / name
        if top.is_file():
            st = top.stat()
            out[name] = (st.st_mtime_ns, st.st_size)
            continue
        for dirpath, _dirs, files in os.walk(top):
            for f in files:
                p = Path(dirpath) / f
                try:
                    st = p.stat()
                except OSError:
                    continue
                out[str(p.relative_to(root))] = (st.st_mtime_ns, st.st_size)
    return out


def sync(src: Path, dst: Path) -> int:
    """Make `dst` hold exactly the files of `src`, writing only files whose bytes differ (so the
    MkDocs server rebuilds once, for real changes). Returns the number of files written or removed."""
    changed = 0
    wanted = {p.relative_to(src) for p in src.rglob("*") if p.is_file()}
    for rel in sorted(wanted):
        data = (src / rel).read_bytes()
        target = dst / rel
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        changed += 1
    for p in sorted(dst.rglob("*"), reverse=True):
        if p.is_file() and p.relative_to(dst) not in wanted:
            p.unlink()
            changed += 1
        elif p.is_dir() and not any(p.iterdir()):
            p.rmdir()
    return changed


class Renderer:
    """Renders one language into a docs directory, again whenever the records change."""

    def __init__(self, options: BuildOptions, lang: str, docs_dir: Path, report: Callable[[str], None]) -> None:
        self.options = options
        self.lang = lang
        self.docs_dir = docs_dir
        self.report = report

    def render(self) -> dict[str, Any]:
        site, base, _ = prepare(self.options)
        with tempfile.TemporaryDirectory(prefix="qtgov-serve-") as tmp:
            fresh = Path(tmp) / "docs"
            options = render_language(site, base, self.lang, fresh, Path(tmp) / "site")
            self.docs_dir.mkdir(parents=True, exist_ok=True)
            changed = sync(fresh, self.docs_dir)
        options["docs_dir"] = str(self.docs_dir)
        options["config_file"] = str(base.path)
        self.report(f"rendered {changed} changed file(s)")
        return options

    def watch(self, stop: threading.Event, interval: float = 1.0) -> None:
        root = Path(self.options.root)
        seen = snapshot(root)
        while not stop.wait(interval):
            now = snapshot(root)
            if now == seen:
                continue
            seen = now
            try:
                self.render()
            except BuildBlocked as exc:
                self.report(f"{exc}: " + "; ".join(f"{f.path}:{f.line}:{f.column} {f.message}" for f in exc.findings))
            except Exception as exc:  # keep serving the last good pages
                self.report(f"could not re-render: {exc}")


def serve(options: BuildOptions, lang: str, dev_addr: str, report: Callable[[str], None]) -> None:
    """Render, start the watcher, and run MkDocs' live-reload server until interrupted.

    This is `mkdocs serve` with one difference: the configuration is loaded from a fresh copy of
    qtgov's overrides for every rebuild (MkDocs consumes the plugin options it is given, so
    `mkdocs.commands.serve`, which passes the same ones again, fails on the second build).
    SIGTERM stops it like Ctrl-C; either way its temporary directory is removed."""
    from qtgov.site.mkdocs_run import quiet_jieba, stop_on_sigterm

    quiet_jieba()
    options = absolute(options)
    with stop_on_sigterm():
        work = Path(tempfile.mkdtemp(prefix="qtgov-serve-"))
        try:
            _serve(options, lang, dev_addr, report, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)


def _serve(options: BuildOptions, lang: str, dev_addr: str, report: Callable[[str], None], work: Path) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    renderer = Renderer(options, lang, work / "docs", report)
    stop = threading.Event()
    site_dir = work / "site"
    try:
        overrides = renderer.render()
        config_file = str(overrides.pop("config_file"))
        for key in ("site_dir", "site_url", "strict"):
            overrides.pop(key, None)
        host, _, port = dev_addr.rpartition(":")
        if not host or not port.isdigit():
            raise UsageError(f"--dev-addr {dev_addr!r}: give HOST:PORT, such as 127.0.0.1:8000")
        serve_url = f"http://{host}:{port}/"

        def get_config() -> Any:
            config = load_config(config_file=config_file, site_dir=str(site_dir), **copy.deepcopy(overrides))
            config.site_url = serve_url
            return config

        def builder(config: Any = None) -> None:
            build(config if config is not None else get_config(), serve_url=serve_url)

        class Server(LiveReloadServer):
            """MkDocs' server, which binds its address only once `serve()` runs: a taken address is
            a usage error, and "serving" is said once the address is bound and listening (so
            whoever waits for that line can connect at once)."""

            def server_bind(self) -> None:
                try:
                    super().server_bind()
                except OSError as exc:  # the address is taken or not ours to bind
                    raise UsageError(f"--dev-addr {dev_addr}: cannot serve there ({exc.strerror or exc})") from exc

            def server_activate(self) -> None:
                super().server_activate()
                report(f"serving {lang} on {serve_url} (edit a record and the page reloads; Ctrl-C stops)")

        config = get_config()
        config.plugins.on_startup(command="serve", dirty=False)
        server = Server(builder=builder, host=host, port=int(port), root=str(site_dir))
        builder(config)
        server.watch(str(renderer.docs_dir))
        watcher = threading.Thread(target=renderer.watch, args=(stop,), daemon=True, name="qtgov-watch")
        watcher.start()
        try:
            server.serve()
        except KeyboardInterrupt:
            report("stopped")
        finally:
            server.shutdown()
            config.plugins.on_shutdown()
    finally:
        stop.set()
