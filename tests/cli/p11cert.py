"""Stores an X.509 certificate on a PKCS#11 token, as a smart card's issuer would, for
tests/cli/t_pkcs11.sh (softhsm2-util imports keys only).
Usage: python3 p11cert.py MODULE PIN CERT.der LABEL ID_HEX
Logs in with PIN on the first token that accepts it and creates a token certificate object
(CKA_VALUE, CKA_SUBJECT, CKA_LABEL, CKA_ID) through the module's C_* functions (ctypes, no
other package). Exits non-zero, naming the PKCS#11 call, on any failure."""
import ctypes
import sys

CK_ULONG = ctypes.c_ulong
CKF_RW_SERIAL = 0x2 | 0x4
CKU_USER = 1
CKA_CLASS, CKA_TOKEN, CKA_LABEL, CKA_VALUE = 0x0, 0x1, 0x3, 0x11
CKA_CERTIFICATE_TYPE, CKA_SUBJECT, CKA_ID = 0x80, 0x101, 0x102
CKO_CERTIFICATE, CKC_X_509 = 1, 0


class Attribute(ctypes.Structure):
    _fields_ = [("type", CK_ULONG), ("value", ctypes.c_void_p), ("len", CK_ULONG)]


def der_item(buf, pos):
    """The (start of content, end) of the DER item at pos."""
    n = buf[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        n = int.from_bytes(buf[pos:pos + k], "big")
        pos += k
    return pos, pos + n


def children(buf, start, end):
    """The (start, end) of each DER item between start and end."""
    while start < end:
        stop = der_item(buf, start)[1]
        yield start, stop
        start = stop


def subject_of(der):
    """The DER of the certificate's subject name."""
    tbs, tbs_end = der_item(der, der_item(der, 0)[0])
    items = list(children(der, tbs, tbs_end))
    if der[items[0][0]] == 0xA0:  # the explicit version
        items = items[1:]
    start, stop = items[4]  # serial, signature, issuer, validity, subject
    return der[start:stop]


def check(rv, what):
    if rv != 0:
        sys.exit("p11cert: %s failed: CKR 0x%x" % (what, rv))


def main():
    module, pin, cert, label, ident = sys.argv[1:6]
    with open(cert, "rb") as f:
        der = f.read()
    subject = subject_of(der)
    p11 = ctypes.CDLL(module)
    check(p11.C_Initialize(None), "C_Initialize")
    count = CK_ULONG(0)
    check(p11.C_GetSlotList(1, None, ctypes.byref(count)), "C_GetSlotList")
    slots = (CK_ULONG * count.value)()
    check(p11.C_GetSlotList(1, slots, ctypes.byref(count)), "C_GetSlotList")
    for slot in slots:
        session = CK_ULONG(0)
        if p11.C_OpenSession(CK_ULONG(slot), CK_ULONG(CKF_RW_SERIAL), None, None,
                             ctypes.byref(session)) != 0:
            continue
        if p11.C_Login(session, CK_ULONG(CKU_USER), pin.encode(), CK_ULONG(len(pin))) != 0:
            p11.C_CloseSession(session)
            continue
        break
    else:
        sys.exit("p11cert: no token accepts the PIN")
    values = [
        (CKA_CLASS, CK_ULONG(CKO_CERTIFICATE)),
        (CKA_CERTIFICATE_TYPE, CK_ULONG(CKC_X_509)),
        (CKA_TOKEN, ctypes.c_ubyte(1)),
        (CKA_LABEL, ctypes.create_string_buffer(label.encode(), len(label))),
        (CKA_ID, ctypes.create_string_buffer(bytes.fromhex(ident), len(ident) // 2)),
        (CKA_SUBJECT, ctypes.create_string_buffer(subject, len(subject))),
        (CKA_VALUE, ctypes.create_string_buffer(der, len(der))),
    ]
    template = (Attribute * len(values))()
    for i, (kind, value) in enumerate(values):
        template[i] = Attribute(kind, ctypes.cast(ctypes.byref(value), ctypes.c_void_p),
                                ctypes.sizeof(value))
    handle = CK_ULONG(0)
    check(p11.C_CreateObject(session, template, CK_ULONG(len(values)), ctypes.byref(handle)),
          "C_CreateObject")
    p11.C_Logout(session)
    p11.C_CloseSession(session)
    p11.C_Finalize(None)


main()
