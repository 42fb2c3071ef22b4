"""OCRA, the OATH Challenge-Response Algorithm (RFC 6287), written with hmac/hashlib.

    response = OCRA(K, {OCRASuite | 00 | C | Q | P | S | T})

`parse_suite()` reads a suite string such as ``OCRA-1:HOTP-SHA256-6:QN06-PSHA1``;
`ocra()` computes the response as a string of digits, leading zeros kept.
The test suite checks every vector of RFC 6287 Appendix C (one-way,
mutual challenge-response and plain signature).

Inputs follow the RFC's reference implementation:
- C: counter, 8 bytes big-endian.
- Q: numeric challenges are converted to hexadecimal, alphanumeric ones are
  taken as ASCII bytes, hexadecimal ones as they are; the hex string is padded
  on the right with zeros to 128 bytes.
- P: the hash of the PIN/password with the suite's hash (pass the PIN itself as
  ``pin`` or its hash as ``pin_hash``).
- S: session information, padded on the left to the suite's length.
- T: number of time steps, 8 bytes big-endian.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

HASHES = {"SHA1": hashlib.sha1, "SHA256": hashlib.sha256, "SHA512": hashlib.sha512}
_TIME_STEP_SECONDS = {"S": 1, "M": 60, "H": 3600}
_SUITE_RE = re.compile(
    r"^OCRA-1:HOTP-(?P<hash>SHA1|SHA256|SHA512)-(?P<digits>0|[4-9]|10):"
    r"(?P<data>(?:C-)?Q[ANH](?:0[4-9]|[1-5][0-9]|6[0-4])(?:-P(?:SHA1|SHA256|SHA512))?"
    r"(?:-S[0-9]{3})?(?:-T(?:[1-5]?[0-9]S|[1-5]?[0-9]M|[0-4]?[0-9]H))?)$"
)


class OcraError(ValueError):
    """A malformed suite or an input that does not fit the suite."""


@dataclass(frozen=True)
class Suite:
    text: str
    hash_name: str
    digits: int
    counter: bool
    question_format: str  # "A", "N" or "H"
    question_length: int
    pin_hash_name: str | None
    session_length: int | None
    time_step_seconds: int | None

    @property
    def digestmod(self) -> Any:
        return HASHES[self.hash_name]


def parse_suite(text: str) -> Suite:
    match = _SUITE_RE.match(text)
    if not match:
        raise OcraError(f"Malformed OCRA suite: {text!r}")
    parts = match["data"].split("-")
    counter = False
    pin_hash_name = session_length = time_step = None
    question = None
    for part in parts:
        if part == "C":
            counter = True
        elif part.startswith("Q"):
            question = part
        elif part.startswith("P"):
            pin_hash_name = part[1:]
        elif part.startswith("S"):
            session_length = int(part[1:])
        elif part.startswith("T"):
            value, unit = int(part[1:-1]), part[-1]
            if value < 1:
                raise OcraError(f"Malformed time step in {text!r}")
            time_step = value * _TIME_STEP_SECONDS[unit]
    if question is None:
        raise OcraError(f"No question (Q…) in the OCRA suite {text!r}")
    return Suite(
        text=text,
        hash_name=match["hash"],
        digits=int(match["digits"]),
        counter=counter,
        question_format=question[1],
        question_length=int(question[2:]),
        pin_hash_name=pin_hash_name,
        session_length=session_length,
        time_step_seconds=time_step,
    )


def hash_pin(pin: str, hash_name: str = "SHA1") -> bytes:
    return HASHES[hash_name](pin.encode("utf-8")).digest()


def _question_bytes(suite: Suite, question: str) -> bytes:
    if not question or len(question) > 128:
        raise OcraError("The challenge is empty or longer than 128 characters.")
    if suite.question_format == "N":
        if not re.fullmatch(r"[0-9]+", question):
            raise OcraError("A numeric challenge may contain digits only.")
        hex_text = format(int(question), "x")
    elif suite.question_format == "A":
        if not question.isascii():
            raise OcraError("An alphanumeric challenge must be ASCII.")
        hex_text = question.encode("ascii").hex()
    else:
        if not re.fullmatch(r"[0-9a-fA-F]+", question):
            raise OcraError("A hexadecimal challenge may contain 0-9 and A-F only.")
        hex_text = question
    if len(hex_text) > 256:
        raise OcraError("The challenge does not fit into 128 bytes.")
    return bytes.fromhex(hex_text.ljust(256, "0"))


def data_input(
    suite: Suite,
    question: str,
    counter: int | None = None,
    pin: str | None = None,
    pin_hash: bytes | None = None,
    session: bytes = b"",
    timestep: int | None = None,
) -> bytes:
    """Build the message that is MACed: suite | 00 | C | Q | P | S | T."""
    message = bytearray(suite.text.encode("ascii"))
    message.append(0)
    if suite.counter:
        if counter is None or counter < 0 or counter >= 2**64:
            raise OcraError("This suite needs a counter between 0 and 2^64-1.")
        message += int(counter).to_bytes(8, "big")
    message += _question_bytes(suite, question)
    if suite.pin_hash_name:
        if pin_hash is None:
            if pin is None:
                raise OcraError("This suite needs a PIN or its hash.")
            pin_hash = hash_pin(pin, suite.pin_hash_name)
        if len(pin_hash) != HASHES[suite.pin_hash_name]().digest_size:
            raise OcraError("The PIN hash has the wrong length for this suite.")
        message += pin_hash
    if suite.session_length is not None:
        if isinstance(session, str):
            session = session.encode("utf-8")
        if len(session) > suite.session_length:
            raise OcraError("The session information is longer than the suite allows.")
        message += session.rjust(suite.session_length, b"\0")
    if suite.time_step_seconds is not None:
        if timestep is None or timestep < 0:
            raise OcraError("This suite needs a time-step value.")
        message += int(timestep).to_bytes(8, "big")
    return bytes(message)


def truncate(mac: bytes, digits: int) -> str:
    """Dynamic truncation of RFC 4226 §5.3; the result keeps its leading zeros."""
    if digits == 0:
        return mac.hex()
    offset = mac[-1] & 0x0F
    binary = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(binary % (10**digits)).zfill(digits)


def ocra(suite: str | Suite, key: bytes, question: str, **inputs: Any) -> str:
    """Compute the OCRA response for `question`; `suite` is a Suite or its text."""
    if isinstance(suite, str):
        suite = parse_suite(suite)
    mac = hmac.new(key, data_input(suite, question, **inputs), suite.digestmod).digest()
    return truncate(mac, suite.digits)


def timestep_for(suite: Suite, unix_time: float) -> int:
    if suite.time_step_seconds is None:
        raise OcraError("This suite has no time step.")
    return int(unix_time // suite.time_step_seconds)
