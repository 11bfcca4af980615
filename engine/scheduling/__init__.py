"""What happens without a request: the scheduler's leases and ticks, what
each due timer does, notifications and the mail outbox.
"""
