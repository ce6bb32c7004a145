"""Replays, step by step, the interleaving that lost two bills in chaos run ac6f8b81.

Two workers delete messages they handled (DeleteMessage B is slow: it is still scanning the queue)
while the service enqueues a new bill. Order: B starts scanning; A deletes and swaps in its list;
the service's SendMessage appends to A's list; B finishes and swaps in its own list, made from the
old one. Prints JSON: whether the new bill's message survived and whether A's delete held.
Argument "patched" applies scripts/dev/moto_server.py first.
"""

import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "dev"))
from moto.sqs.models import Message, sqs_backends  # noqa: E402

if sys.argv[1:] == ["patched"]:
    from moto_server import apply_patches  # noqa: E402

    apply_patches()

backend = sqs_backends["123456789012"]["us-east-1"]
queue = backend.create_queue("bills-race")
for i in range(6):
    backend.send_message("bills-race", f"old-{i}")
first, second = backend.receive_message("bills-race", 2, 0, 600)[:2]
handle_a, handle_b = first.receipt_handle, second.receipt_handle

b_scanning, resume_b = threading.Event(), threading.Event()
scan = Message.had_receipt_handle


def paused_scan(self, receipt_handle):  # type: ignore[no-untyped-def]
    # B stops half-way through its rebuild of the list, as a preempted thread would.
    if receipt_handle == handle_b and self.body == "old-3" and not b_scanning.is_set():
        b_scanning.set()
        resume_b.wait(5)
    return scan(self, receipt_handle)


Message.had_receipt_handle = paused_scan
delete_b = threading.Thread(target=lambda: backend.delete_message("bills-race", handle_b))
delete_b.start()
b_scanning.wait(5)
delete_a = threading.Thread(target=lambda: backend.delete_message("bills-race", handle_a))
delete_a.start()
delete_a.join(0.5)
send = threading.Thread(target=lambda: backend.send_message("bills-race", "new-bill"))
send.start()
send.join(0.5)
resume_b.set()
for t in (delete_b, delete_a, send):
    t.join(5)
Message.had_receipt_handle = scan

bodies = [m.body for m in queue._messages]
print(json.dumps({"newBillKept": "new-bill" in bodies, "deletedStayDeleted": "old-0" not in bodies, "bodies": bodies}))
