"""moto_server with one fix: SQS DeleteMessage holds the queue's lock.

moto 5.2 rebuilds a queue's message list outside its lock (``Queue.delete_message`` copies
``_messages`` minus the deleted one, then assigns the copy back). When two deletes overlap, the
second assignment drops every message sent after the first one finished: an accepted bill's
message vanishes with no receive, no DLQ move and no error (chaos run ac6f8b81 lost two bills
this way; ``scripts/verify/chaos/test/moto-delete-race.test.ts`` replays the interleaving).
A receive that moves a message to the DLQ removes it from the same list, also unlocked. Real SQS
has no such race. ``SendMessage`` already appends under the queue's ``_messages_lock`` (a
Condition over an RLock, whose wait releases it), so deletes and receives take it too.

Usage: the same arguments as ``moto_server`` (``python scripts/dev/moto_server.py -H 127.0.0.1 -p 55000``).
"""

import sys

from moto.sqs import models as sqs_models


def apply_patches() -> None:
    queue, backend = sqs_models.Queue, sqs_models.SQSBackend
    if getattr(queue.delete_message, "_bill_mw_locked", False):
        return
    unlocked_delete, unlocked_receive = queue.delete_message, backend.receive_message

    def delete_message(self, receipt_handle):  # type: ignore[no-untyped-def]
        with self._messages_lock:
            return unlocked_delete(self, receipt_handle)

    def receive_message(self, queue_name, *args, **kwargs):  # type: ignore[no-untyped-def]
        with self.get_queue(queue_name)._messages_lock:
            return unlocked_receive(self, queue_name, *args, **kwargs)

    delete_message._bill_mw_locked = True  # type: ignore[attr-defined]
    queue.delete_message = delete_message
    backend.receive_message = receive_message


if __name__ == "__main__":
    apply_patches()
    from moto.server import main

    main(sys.argv[1:])
