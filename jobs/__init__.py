"""The background-job engine (huey): other apps define their jobs in their own tasks.py.

    from jobs.decorators import enqueue_on_commit, job, scheduled_job
    from huey import crontab

    @job()
    def send_reminder(request_id: int): ...

    @scheduled_job(crontab(minute="*/15"))
    def poll_sources(): ...

    send_reminder(request.pk)                       # enqueued now
    enqueue_on_commit(send_reminder, request.pk)    # enqueued when the transaction commits

Every job is retried with backoff (settings.JOB_RETRIES, JOB_RETRY_DELAY, JOB_RETRY_BACKOFF)
and must therefore be idempotent: running it twice with the same arguments leaves the same
result as running it once (see README, "Background jobs").
"""
