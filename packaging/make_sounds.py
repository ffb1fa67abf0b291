"""Write the station's feedback sounds to resources/sounds/ (run again only to change them).

good: one short high beep. warning: two mid beeps. error: a low, longer buzz three times, the one that
makes a technician look up. 22,050 Hz, 16-bit mono WAV, so QSoundEffect plays them on every platform.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22050
OUT = Path(__file__).resolve().parents[1] / "resources" / "sounds"


def tone(frequency: float, seconds: float, volume: float = 0.5, square: bool = False) -> list[int]:
    samples = []
    count = int(RATE * seconds)
    fade = int(RATE * 0.005)  # 5 ms ramps avoid clicks
    for i in range(count):
        value = math.sin(2 * math.pi * frequency * i / RATE)
        if square:
            value = 1.0 if value >= 0 else -1.0
        envelope = min(1.0, i / fade, (count - i) / fade)
        samples.append(int(32767 * volume * envelope * value))
    return samples


def silence(seconds: float) -> list[int]:
    return [0] * int(RATE * seconds)


def write(name: str, samples: list[int]) -> None:
    with wave.open(str(OUT / f"{name}.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write("good", tone(1760, 0.09))
    write("warning", tone(880, 0.12) + silence(0.06) + tone(880, 0.12))
    write("error", (tone(220, 0.18, 0.6, square=True) + silence(0.05)) * 3)


if __name__ == "__main__":
    main()
