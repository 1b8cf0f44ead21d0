"""One surface of the shared-state test: signs through the Python state API
until the budget is exhausted; prints how many it signed.
Usage: sign_loop.py STATE_DIR USER FILE_PREFIX FIRST"""
import os
import sys
import time

import signet

state_dir, user, prefix, first = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# Start together with the other surfaces: wait for $SIGNET_GO to exist.
go = os.environ.get("SIGNET_GO")
while go and not os.path.exists(go):
    time.sleep(0.005)
state = signet.open_state(state_dir, user=user)
count = 0
i = first
while True:
    try:
        state.sign_file(f"{prefix}{i}")
    except signet.SignetError as e:
        if e.code == "sign_budget_exhausted":
            break
        raise
    count += 1
    i += 1
print(count)
