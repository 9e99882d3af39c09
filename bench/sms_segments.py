"""What a screening's results cost by SMS: SMS and segments per results turn, per place.

Starts the real stack with a fake gateway on loopback (as the SMS tests do),
runs "hjelp" -> "1" -> <place> for each place and prints how the results
turn was sent. Needs a trained model (`make model`) and the catalogue.

    .venv/bin/python bench/sms_segments.py Bergen Oslo Kautokeino
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.sms_text import encoding  # noqa: E402
from harness.sms_gateway import FakeGateway  # noqa: E402
from harness.sms_stack import converse, running_sms_stack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("places", nargs="*", default=["Bergen", "Oslo", "Trondheim", "Tromsø", "Kautokeino"])
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "veiviser.tar.gz")
    parser.add_argument("--catalogue", default=f"sqlite:///{ROOT / 'var' / 'catalogue.sqlite'}")
    args = parser.parse_args()
    gateway = FakeGateway().start()
    try:
        with running_sms_stack(args.model, args.catalogue, gateway, Path(tempfile.mkdtemp())) as stack:
            for place in args.places:
                phone = f"+479{random.randint(1_000_000, 9_999_999)}"
                converse(stack, gateway, phone, "hjelp")
                converse(stack, gateway, phone, "1")
                sent = [encoding(sms) for sms in converse(stack, gateway, phone, place)]
                print(f"{place:12} SMS={len(sent)} segments={[e.segments for e in sent]} "
                      f"total={sum(e.segments for e in sent)} encodings={sorted({e.name for e in sent})}")
    finally:
        gateway.stop()


if __name__ == "__main__":
    main()
