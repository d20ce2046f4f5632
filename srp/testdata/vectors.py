"""Writes vectors.json beside this file: known answers for cognito-srp, computed by pycognito.

pycognito (the Python client for Cognito user pools) computes the client's values: A, u, x,
the session key K and the PASSWORD_CLAIM_SIGNATURE, with its random `a` and its clock replaced
by the fixed values below. It has no server half, so B and the server's S are computed here
with pycognito's own helpers, and S is checked to be the same from both sides.

Run it with a Python that has pycognito 2024.5.1 (`pip install pycognito==2024.5.1`):

    python3 srp/testdata/vectors.py

The inputs are fixed (derived from labels by SHA-256), so the file comes out the same each time.
amazon-cognito-identity-js 6.3.21 (its AuthenticationHelper with the same `a`, SALT and SRP_B
read as numbers) gives the same SRP_A, key and signature for every case.
"""

import base64
import datetime
import hashlib
import importlib.metadata
import json
import os

from pycognito import aws_srp

PYCOGNITO_VERSION = "2024.5.1"
# pycognito's own timestamp format, kept before the clock is replaced below.
FORMAT_TIMESTAMP = aws_srp.AWSSRP.get_cognito_formatted_timestamp


def derived(label, nbytes, top_bit=None):
    """nbytes bytes from SHA-256 of label, counter; with the top bit forced on or off."""
    out = b""
    counter = 0
    while len(out) < nbytes:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    out = bytearray(out[:nbytes])
    if top_bit is True:
        out[0] |= 0x80
    elif top_bit is False:
        out[0] &= 0x7F
    return bytes(out)


def minimal_hex(number):
    return f"{number:x}"


CASES = [
    {
        "name": "uuid user, salt with the high bit set, 1024-bit a as pycognito draws",
        "user_pool_id": "us-east-1_AbCdEfGhI",
        "user_id_for_srp": "4e2c0b7a-9a1f-4f3e-8d7c-1b2a3c4d5e6f",
        "password": "Correct-Horse-9",
        "salt": derived("salt-1", 16, top_bit=True).hex(),
        "a": derived("a-1", 128).hex(),
        "b": derived("b-1", 32).hex(),
        "secret_block": base64.standard_b64encode(derived("block-1", 64)).decode(),
        "timestamp_unix": int(datetime.datetime(2026, 12, 6, 8, 44, 24).replace(
            tzinfo=datetime.timezone.utc).timestamp()),
    },
    {
        "name": "non-ASCII password, odd-length salt, 256-bit a and b, two-digit day",
        "user_pool_id": "eu-west-2_Zx9Yw8Vu7",
        "user_id_for_srp": "alice",
        "password": "p\u00e4ssw\u00f6rd \u2713",
        "salt": minimal_hex(int.from_bytes(derived("salt-2", 16), "big") >> 4),
        "a": derived("a-2", 32, top_bit=True).hex(),
        "b": derived("b-2", 32, top_bit=True).hex(),
        "secret_block": base64.standard_b64encode(derived("block-2", 1200)).decode(),
        "timestamp_unix": int(datetime.datetime(2024, 2, 29, 23, 59, 59).replace(
            tzinfo=datetime.timezone.utc).timestamp()),
    },
    {
        "name": "small exponents, one-byte salt, empty password",
        "user_pool_id": "ap-southeast-2_a1",
        "user_id_for_srp": "bob@example.com",
        "password": "",
        "salt": "1",
        "a": "1f",
        "b": "03",
        "secret_block": base64.standard_b64encode(b"\x00").decode(),
        "timestamp_unix": 0,
    },
]


def compute(case):
    big_n = aws_srp.hex_to_long(aws_srp.N_HEX)
    g = aws_srp.hex_to_long(aws_srp.G_HEX)
    a = int(case["a"], 16)
    b = int(case["b"], 16)
    when = datetime.datetime.fromtimestamp(case["timestamp_unix"], datetime.timezone.utc)
    timestamp = FORMAT_TIMESTAMP(when)

    # pycognito draws `a` in its constructor and reads the clock in process_challenge.
    aws_srp.AWSSRP.generate_random_small_a = lambda self: a
    aws_srp.AWSSRP.get_cognito_formatted_timestamp = staticmethod(lambda _: timestamp)
    client = aws_srp.AWSSRP(
        username=case["user_id_for_srp"],
        password=case["password"],
        pool_id=case["user_pool_id"],
        client_id="client-id",
        client=object(),
    )
    k = client.val_k
    big_a = client.large_a_value

    pool_name = case["user_pool_id"].split("_")[1]
    inner = aws_srp.hash_sha256(
        f"{pool_name}{case['user_id_for_srp']}:{case['password']}".encode("utf-8"))
    x = aws_srp.hex_to_long(aws_srp.hex_hash(aws_srp.pad_hex(case["salt"]) + inner))
    v = pow(g, x, big_n)
    big_b = (k * v + pow(g, b, big_n)) % big_n
    u = aws_srp.calculate_u(big_a, big_b)
    s_client = pow(big_b - k * v, a + u * x, big_n)
    s_server = pow(big_a * pow(v, u, big_n), b, big_n)
    assert s_client == s_server, "client and server premaster secrets differ"

    key = client.get_password_authentication_key(
        case["user_id_for_srp"], case["password"], big_b, case["salt"])
    response = client.process_challenge(
        {
            "USER_ID_FOR_SRP": case["user_id_for_srp"],
            "SALT": case["salt"],
            "SRP_B": minimal_hex(big_b),
            "SECRET_BLOCK": case["secret_block"],
            "USERNAME": case["user_id_for_srp"],
        },
        {"USERNAME": case["user_id_for_srp"]},
    )
    assert response["TIMESTAMP"] == timestamp
    return {
        **case,
        "timestamp": timestamp,
        "k": minimal_hex(k),
        "x": minimal_hex(x),
        "v": minimal_hex(v),
        "srp_a": client.get_auth_params()["SRP_A"],
        "srp_b": minimal_hex(big_b),
        "u": minimal_hex(u),
        "s": minimal_hex(s_client),
        "key": key.hex(),
        "signature": response["PASSWORD_CLAIM_SIGNATURE"],
    }


def main():
    installed = importlib.metadata.version("pycognito")
    if installed != PYCOGNITO_VERSION:
        raise SystemExit(f"pycognito {installed} is installed; these vectors use {PYCOGNITO_VERSION}")
    document = {
        "source": f"pycognito {PYCOGNITO_VERSION} (pycognito/aws_srp.py), by vectors.py",
        "cases": [compute(case) for case in CASES],
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document, out, indent=2, ensure_ascii=False)
        out.write("\n")


if __name__ == "__main__":
    main()
