"""TASK_QUEUE_URL → the `HUEY` setting huey.contrib.djhuey reads.

- `sqlite:///path/to/file`: huey's SQLite store, for one machine (the default: `huey.sqlite3`
  beside `db.sqlite3`). Any number of consumers on that machine may share the file.
- `redis://host:port/db` (or `rediss://`): for consumers on several hosts sharing one Redis.
- `immediate://`: no queue at all; a job runs inside the call that enqueues it (tests).

Pure functions: the settings module calls them, tests call them directly.
"""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ImproperlyConfigured

#: One queue per deployment; several deployments sharing one Redis use different databases.
QUEUE_NAME = "resource_centre"
QUEUE_CLASS = "jobs.queue.TaskQueue"


def task_queue_settings(url: str, *, workers: int = 2) -> dict:
    """The `HUEY` dict for `url` (see the module's docstring); refuses anything else."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    config = {"huey_class": QUEUE_CLASS, "name": QUEUE_NAME, "immediate": False}
    if scheme == "sqlite":
        # sqlite:///relative/x or sqlite:////absolute/x, as dj-database-url reads DATABASE_URL.
        filename = parts.path[1:] if parts.path.startswith("/") else parts.path
        if parts.netloc or not filename:
            raise ImproperlyConfigured(
                f"TASK_QUEUE_URL {url!r}: use sqlite:///relative/path or sqlite:////absolute/path"
            )
        config.update(storage="huey.storage.SqliteStorage", filename=filename)
    elif scheme in ("redis", "rediss", "unix"):
        # Results (the little a job returns) expire after a day instead of piling up.
        config.update(storage="huey.storage.RedisExpireStorage", url=url, expire_time=86400)
    elif scheme == "immediate":
        config.update(storage="huey.storage.MemoryStorage", immediate=True)
    else:
        raise ImproperlyConfigured(
            f"Unsupported TASK_QUEUE_URL scheme {parts.scheme!r}: "
            "use sqlite:///path, redis://host:port/db or immediate://"
        )
    if parse_qsl(parts.query) and scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured(f"TASK_QUEUE_URL {url!r}: only Redis URLs take options")
    # Thread workers: jobs wait on the network (mail, feeds), not on the CPU.
    config["consumer"] = {"workers": workers, "worker_type": "thread"}
    return config
