#!/usr/bin/env python3
"""Start a run on the simulated board of an osa-bench engine and print its documents.

Usage: python3 watch_run.py 'http://127.0.0.1:PORT/?token=TOKEN'  (the URL `osa-bench serve` prints)
Needs the websockets package (Debian: apt-get install python3-websockets).
"""
import asyncio
import json
import sys
from urllib.parse import urlsplit

import websockets

RUN = {"board": "sim", "workload": {"kind": "relu", "vectors": 2000, "seed": 1}, "mode": "osa"}


async def main(served_url):
    url = urlsplit(served_url)
    async with websockets.connect(f"ws://{url.netloc}/api?{url.query}") as ws:

        async def call(request_id, method, params):
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}))
            while True:
                message = json.loads(await ws.recv())
                if message.get("id") == request_id:
                    if "error" in message:
                        sys.exit(f"{method}: {message['error']['message']}")
                    return message["result"]

        run_id = (await call(1, "run.start", RUN))["runId"]
        print(f"run {run_id} started")
        await call(2, "run.subscribe", {"runId": run_id, "fromSeq": 0})
        async for text in ws:
            message = json.loads(text)
            if message.get("method") != "run.document":
                continue
            doc = message["params"]["document"]
            if doc["type"] == "batch":
                snr = doc["run"]["snrDb"]
                print(f"batch {doc['block']}: vectors {doc['firstVector']}..{doc['firstVector'] + doc['vectors'] - 1}, SNR so far {snr:.2f} dB")
            elif doc["type"] == "status":
                print(f"status {doc['state']}: {doc['vectorsDone']}/{doc['vectorsTotal']} vectors")
            elif doc["type"] == "stop":
                print(f"stop {doc['state']}: SNR {doc['summary'].get('snrDb')} dB, {doc['summary'].get('vectors')} vectors")
                return 0 if doc["state"] == "completed" else 1
            else:
                print(doc["type"])
    return 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1])))
