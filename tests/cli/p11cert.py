"""Stores objects on a PKCS#11 token, as a smart card's issuer would, for
tests/cli/t_pkcs11.sh (softhsm2-util imports keys only, and cannot mark them).
Usage: python3 p11cert.py MODULE PIN CERT.der LABEL ID_HEX
       python3 p11cert.py MODULE PIN --always-auth EC.der LABEL ID_HEX
The first stores an X.509 certificate (CKA_VALUE, CKA_SUBJECT, CKA_LABEL, CKA_ID); the second
a P-256 private key (an ECPrivateKey in DER) with CKA_ALWAYS_AUTHENTICATE, so that the token
asks for the PIN again before each signature, as signature cards do. Logs in with PIN on the
first token that accepts it, through the module's C_* functions (ctypes, no other package).
Exits non-zero, naming the PKCS#11 call, on any failure."""
import ctypes
import sys

CK_ULONG = ctypes.c_ulong
CKF_RW_SERIAL = 0x2 | 0x4
CKU_USER = 1
CKA_CLASS, CKA_TOKEN, CKA_LABEL, CKA_VALUE = 0x0, 0x1, 0x3, 0x11
CKA_CERTIFICATE_TYPE, CKA_SUBJECT, CKA_ID = 0x80, 0x101, 0x102
CKO_CERTIFICATE, CKC_X_509 = 1, 0
CKO_PRIVATE_KEY, CKK_EC = 3, 3
CKA_KEY_TYPE, CKA_PRIVATE, CKA_SIGN, CKA_EC_PARAMS = 0x100, 0x2, 0x108, 0x180
CKA_ALWAYS_AUTHENTICATE = 0x202
P256_OID = bytes.fromhex("06082a8648ce3d030107")


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


def ec_private_value(der):
    """The private scalar of an ECPrivateKey (RFC 5915): its second item's content."""
    seq, seq_end = der_item(der, 0)
    items = list(children(der, seq, seq_end))
    start, stop = der_item(der, items[1][0])
    return der[start:stop]


def buf(data):
    return ctypes.create_string_buffer(data, len(data))


def cert_values(der, label, ident):
    subject = subject_of(der)
    return [
        (CKA_CLASS, CK_ULONG(CKO_CERTIFICATE)),
        (CKA_CERTIFICATE_TYPE, CK_ULONG(CKC_X_509)),
        (CKA_TOKEN, ctypes.c_ubyte(1)),
        (CKA_LABEL, buf(label.encode())),
        (CKA_ID, buf(bytes.fromhex(ident))),
        (CKA_SUBJECT, buf(subject)),
        (CKA_VALUE, buf(der)),
    ]


def always_auth_key_values(der, label, ident):
    return [
        (CKA_CLASS, CK_ULONG(CKO_PRIVATE_KEY)),
        (CKA_KEY_TYPE, CK_ULONG(CKK_EC)),
        (CKA_TOKEN, ctypes.c_ubyte(1)),
        (CKA_PRIVATE, ctypes.c_ubyte(1)),
        (CKA_SIGN, ctypes.c_ubyte(1)),
        (CKA_ALWAYS_AUTHENTICATE, ctypes.c_ubyte(1)),
        (CKA_LABEL, buf(label.encode())),
        (CKA_ID, buf(bytes.fromhex(ident))),
        (CKA_EC_PARAMS, buf(P256_OID)),
        (CKA_VALUE, buf(ec_private_value(der))),
    ]


def check(rv, what):
    if rv != 0:
        sys.exit("p11cert: %s failed: CKR 0x%x" % (what, rv))


def main():
    module, pin = sys.argv[1:3]
    make = cert_values
    if sys.argv[3] == "--always-auth":
        make = always_auth_key_values
        del sys.argv[3]
    path, label, ident = sys.argv[3:6]
    with open(path, "rb") as f:
        values = make(f.read(), label, ident)
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
