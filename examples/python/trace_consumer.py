#!/usr/bin/env python3
"""An external consumer of nn-staining's trace topics, in Python.

Subscribes to the runs, neurons and epochs topics, decodes every record with the .avsc files of the event
contract (Avro single-object encoding: marker C3 01, the writer schema's CRC-64-AVRO fingerprint, payload) and
rebuilds the network trace as it streams in: trace[run]['E_30']['L_hidden_1']['n_20'] is one neuron, exactly as
the signature E_30/L_hidden_1/n_20 names it. Stops when the run it follows is finished and every scanned epoch
is complete (as many snapshots per layer as its EpochSealed announced), then prints the hierarchy.

Needs only Debian packages: python3-confluent-kafka, python3-avro.

    python3 examples/python/trace_consumer.py --bootstrap 127.0.0.1:19092 [--run RUN] [--prefix nnstain.]
"""
import argparse
import glob
import io
import os
import struct
import sys
import time
import uuid
from collections import defaultdict

import avro.io
import avro.schema
from confluent_kafka import Consumer, KafkaException

MARKER = b"\xc3\x01"
EMPTY = 0xC15D213AA4D7A795  # CRC-64-AVRO's seed, as in the Avro specification


def _fingerprint_table():
    table = []
    for i in range(256):
        fp = i
        for _ in range(8):
            fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
        table.append(fp)
    return table


_TABLE = _fingerprint_table()


def fingerprint64(text):
    """The Rabin fingerprint (CRC-64-AVRO) of a schema's parsing canonical form."""
    fp = EMPTY
    for byte in text.encode("utf-8"):
        fp = (fp >> 8) ^ _TABLE[(fp ^ byte) & 0xFF]
    return fp


class Decoder:
    """Decodes single-object encoded records with the schemas of a folder of .avsc files."""

    def __init__(self, schema_dir):
        self.schemas = {}
        self.readers = {}
        for path in sorted(glob.glob(os.path.join(schema_dir, "*.avsc"))):
            with open(path, encoding="utf-8") as f:
                schema = avro.schema.parse(f.read())
            fp = fingerprint64(schema.canonical_form)
            self.schemas[fp] = schema
            self.readers[fp] = avro.io.DatumReader(schema)
        if not self.schemas:
            raise SystemExit(f"no .avsc files in {schema_dir}")

    def decode(self, value):
        """(record name, record as a dict)."""
        if value is None or len(value) < 10 or value[:2] != MARKER:
            raise ValueError("not Avro single-object encoding (no C3 01 marker)")
        (fp,) = struct.unpack("<Q", value[2:10])
        schema = self.schemas.get(fp)
        if schema is None:
            raise ValueError(f"unknown schema fingerprint {fp:016x}")
        return schema.name, self.readers[fp].read(avro.io.BinaryDecoder(io.BytesIO(value[10:])))


class Trace:
    """The hierarchy run -> E_<epoch> -> L_<layer> -> n_<neuron>, and what each epoch announced."""

    def __init__(self):
        self.neurons = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
        self.started = {}
        self.sealed = defaultdict(dict)
        self.finished = {}

    def add(self, name, record):
        run = record["run_id"]
        if name == "RunStarted":
            self.started[run] = record
        elif name == "RunFinished":
            self.finished[run] = record
        elif name == "EpochSealed":
            self.sealed[run][record["epoch"]] = record
        elif name == "NeuronSnapshot":
            # a redelivered record lands on the same key: nothing is counted twice
            self.neurons[run][f"E_{record['epoch']}"][f"L_{record['layer']}"][f"n_{record['neuron']}"] = record

    def complete(self, run):
        if run not in self.started or run not in self.finished:
            return False
        layers = [l["name"] for l in self.started[run]["topology"]["layers"]]
        for epoch in self.finished[run]["scanned_epochs"]:
            sealed = self.sealed[run].get(epoch)
            if sealed is None:
                return False
            for layer, count in zip(layers, sealed["snapshots_per_layer"]):
                if len(self.neurons[run][f"E_{epoch}"][f"L_{layer}"]) != count:
                    return False
        return True

    def describe(self, run):
        started = self.started[run]
        layers = [(l["name"], l["width"]) for l in started["topology"]["layers"]]
        epochs = sorted(self.neurons[run], key=lambda e: int(e[2:]))
        total = sum(len(n) for e in epochs for n in self.neurons[run][e].values())
        print(f"run {run}: dataset {started['config']['dataset']}, layers "
              + " ".join(f"{name}:{width}" for name, width in layers))
        print(f"{len(epochs)} scanned epochs, {total} neuron snapshots")
        for e in epochs:
            counts = ", ".join(f"L_{name} {len(self.neurons[run][e].get('L_' + name, {}))}" for name, _ in layers)
            print(f"  {e}: {counts}")
        last = epochs[-1]
        hidden = layers[1][0]
        n = self.neurons[run][last][f"L_{hidden}"]["n_0"]
        print(f"{last}/L_{hidden}/n_0: act_mean {n['act_mean']:.4f}, {len(n['class_means'])} class means, "
              f"{len(n['weights'])} incoming weights")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bootstrap", default="127.0.0.1:19092", help="Kafka bootstrap servers (default %(default)s)")
    p.add_argument("--prefix", default="nnstain.", help="topic prefix (default %(default)s)")
    p.add_argument("--run", help="the run to follow (default: the first run that starts)")
    p.add_argument("--schemas", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                                     "schemas", "src", "main", "avro"),
                   help="folder of the .avsc files (default: the checkout's schemas/src/main/avro)")
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait for the run to complete")
    args = p.parse_args()

    decoder = Decoder(args.schemas)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "trace-consumer-example-" + uuid.uuid4().hex[:8],
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
    })
    topics = [args.prefix + t for t in ("runs", "trace.neurons", "trace.epochs")]
    consumer.subscribe(topics)
    trace = Trace()
    run = args.run
    deadline = time.time() + args.timeout
    records = 0
    try:
        while time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                raise KafkaException(msg.error())
            try:
                name, record = decoder.decode(msg.value())
            except ValueError as e:
                print(f"skipping {msg.topic()}-{msg.partition()}@{msg.offset()}: {e}", file=sys.stderr)
                continue
            records += 1
            if run is None and name == "RunStarted":
                run = record["run_id"]
            trace.add(name, record)
            if run is not None and trace.complete(run):
                break
    finally:
        consumer.close()
    if run is None or not trace.complete(run):
        print(f"run {run or '(none started)'} not complete after {args.timeout:.0f} s ({records} records read from "
              f"{', '.join(topics)})", file=sys.stderr)
        return 1
    trace.describe(run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
