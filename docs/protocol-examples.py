#!/usr/bin/env python3
"""Prints the media datagrams of PROTOCOL.md Appendix A (and the mix header of §5.2), made from
the text of §3 with Python's `cryptography` (pip install cryptography), independently of the Java
code. MediaCipherTest asserts that the Java implementation makes the same bytes."""
import hashlib
import hmac
import struct

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY = bytes(range(32))
MEDIA_ID = 17
VIDEO, AUDIO = 1, 2                                  # nonce channel
CLIENT_TO_RELAY, RELAY_TO_CLIENT = 0, 1              # nonce direction
HELLO, KEEPALIVE, CHALLENGE, RESPONSE = 4, 5, 6, 7   # kinds
KIND_VIDEO, KIND_AUDIO = 1, 2
NONE, JPEG, PCM16 = 0, 1, 2                          # codecs


def header(kind, flags, codec, payload_length, media_id, sequence, timestamp, frame_id,
           index, count, audio_level, packet_number):
    """§3.2: 40 bytes, big-endian; layer (29) and reserved (30-31) are 0."""
    return struct.pack(">HBBBBHIIIIHHBBHQ", 0x4348, 3, kind, flags, codec, payload_length,
                       media_id, sequence, timestamp, frame_id, index, count,
                       audio_level, 0, 0, packet_number)


def seal(head, payload, channel, direction):
    """§3.4: nonce = channel, direction, 00 00, packet number (header bytes 32..39); AD = the header."""
    nonce = bytes([channel, direction, 0, 0]) + head[32:40]
    return head + AESGCM(KEY).encrypt(nonce, payload, head)


def signal(kind, sequence, packet_number, channel, direction, cookie=None):
    """§4.3: HELLO, KEEPALIVE, CHALLENGE, RESPONSE; frameId = sequence, audio level 0."""
    payload = b"" if cookie is None else struct.pack(">Q", cookie)
    head = header(kind, 0, NONE, len(payload), MEDIA_ID, sequence, 0, sequence, 0, 1, 0, packet_number)
    return seal(head, payload, channel, direction)


def dump(d, start=0):
    lines = []
    for at in range(start - start % 16, len(d), 16):
        row = d[at:at + 16]
        hexes = " ".join(f"{b:02x}" for b in row[:8]) + "  " + " ".join(f"{b:02x}" for b in row[8:])
        text = "".join(chr(b) if 0x20 <= b < 0x7f else "." for b in row)
        lines.append(f"{at:04x}  {hexes:<48}  {text}" if start == 0 else f"{at:04x}  {hexes}".rstrip())
    return "\n".join(lines)


def show(title, d, start=0):
    print(f"## {title} ({len(d)} bytes)\n{dump(d, start)}\nhex {d.hex()}\n")


show("A.1 HELLO, video port, packet number 0", signal(HELLO, 0, 0, VIDEO, CLIENT_TO_RELAY))
show("A.2 KEEPALIVE, audio port, sequence 3, packet number 3", signal(KEEPALIVE, 3, 3, AUDIO, CLIENT_TO_RELAY))

jpeg = bytes.fromhex("ffd8ffd9")
sent = seal(header(KIND_VIDEO, 1, JPEG, 4, MEDIA_ID, 0, 3000, 0, 0, 1, 0, 5), jpeg, VIDEO, CLIENT_TO_RELAY)
forwarded = seal(header(KIND_VIDEO, 1, JPEG, 4, MEDIA_ID, 0, 3000, 0, 0, 1, 0, 9), jpeg, VIDEO, RELAY_TO_CLIENT)
show("A.3 VIDEO as sent, packet number 5", sent)
show("A.3 VIDEO as forwarded, packet number 9, from offset 32", forwarded, 32)
assert sent[:32] == forwarded[:32]

show("A.4 CHALLENGE, relay packet number 0",
     signal(CHALLENGE, 0, 0, VIDEO, RELAY_TO_CLIENT, cookie=0x0102030405060708))
show("A.4 RESPONSE, client packet number 1, sequence 1",
     signal(RESPONSE, 1, 1, VIDEO, CLIENT_TO_RELAY, cookie=0x0102030405060708))
show("A.4 HELLO ack, relay packet number 1, sequence 1", signal(HELLO, 1, 1, VIDEO, RELAY_TO_CLIENT))

print("## A.5 AUDIO headers as sealed (frame 0 voice at -20 dBov, frame 1 digital silence)")
for n, (frame, index, level) in enumerate([(0, 0, 0x94), (0, 1, 0x94), (1, 0, 0x7f), (1, 1, 0x7f)]):
    head = header(KIND_AUDIO, 0, PCM16, 960, MEDIA_ID, n, frame * 960, frame, index, 2, level, n)
    d = seal(head, bytes(960), AUDIO, CLIENT_TO_RELAY)
    h = d[:40].hex()
    print(len(d), " ".join([h[0:8], h[8:16], h[16:24], h[24:32], h[32:40], h[40:48], h[48:52],
                            h[52:56], h[56:64], h[64:80]]))
print()

mix = header(KIND_AUDIO, 0, PCM16, 960, 0, 0, 5 * 960, 5, 0, 2, 0x7f, 0).hex()
print("## §5.2 mix, tick 5, fragment 0 (sequence and packet number zeroed)")
print(" ".join(mix[i:i + 2] for i in range(0, 80, 2)), "\n")

print("## A.5 node key\n" + hmac.new(b"secret", b"chorus media node pekko://chorus@127.0.0.1:25520",
                                   hashlib.sha256).hexdigest())
