#!/usr/bin/env python3
"""Writes a minimal valid PE32 executable (1 KiB: headers and one .text section whose
code is a single `ret`) for the Authenticode test of the PKCS#11 module: osslsigncode
needs a real PE file, and no cross linker is installed here (x86_64-w64-mingw32-gcc and
lld-link are absent). Every field is the value a linker would write for such an image.

Usage: make-pe.py OUT.exe
"""
import struct
import sys

FILE_ALIGN, SECT_ALIGN = 0x200, 0x1000

dos = bytearray(64)
dos[0:2] = b"MZ"
struct.pack_into("<I", dos, 0x3C, 64)  # e_lfanew: the PE header follows at once

coff = struct.pack(
    "<HHIIIHH",
    0x14C,  # Machine: i386
    1,  # NumberOfSections
    0,  # TimeDateStamp (reproducible)
    0, 0,  # no COFF symbols
    224,  # SizeOfOptionalHeader (PE32 with 16 data directories)
    0x0102,  # EXECUTABLE_IMAGE | 32BIT_MACHINE
)
optional = struct.pack(
    "<HBBIIIIII",
    0x10B,  # PE32
    14, 0,  # linker version
    FILE_ALIGN, 0, 0,  # SizeOfCode, initialised, uninitialised data
    SECT_ALIGN,  # AddressOfEntryPoint: the ret
    SECT_ALIGN,  # BaseOfCode
    2 * SECT_ALIGN,  # BaseOfData
) + struct.pack(
    "<IIIHHHHHHIIIIHHIIIIII",
    0x400000, SECT_ALIGN, FILE_ALIGN,
    6, 0, 0, 0, 6, 0,  # OS, image, subsystem versions
    0,  # Win32VersionValue
    2 * SECT_ALIGN,  # SizeOfImage
    FILE_ALIGN,  # SizeOfHeaders
    0,  # CheckSum (osslsigncode sets it)
    3,  # Subsystem: console
    0x0540,  # DllCharacteristics: NX_COMPAT | NO_SEH | DYNAMIC_BASE
    0x100000, 0x1000, 0x100000, 0x1000,  # stack and heap
    0,  # LoaderFlags
    16,  # NumberOfRvaAndSizes
) + bytes(16 * 8)  # data directories, all empty (the certificate table is added by signing)
assert len(optional) == 224
section = struct.pack(
    "<8sIIIIIIHHI",
    b".text", 1, SECT_ALIGN, FILE_ALIGN, FILE_ALIGN, 0, 0, 0, 0,
    0x60000020,  # CODE | EXECUTE | READ
)
headers = bytes(dos) + b"PE\0\0" + coff + optional + section
image = headers.ljust(FILE_ALIGN, b"\0") + b"\xc3".ljust(FILE_ALIGN, b"\0")
with open(sys.argv[1], "wb") as f:
    f.write(image)
