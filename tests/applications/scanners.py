"""Scanner callables for the DOCUMENT_SCANNER hook in tests."""


def refuse_everything(*, data: bytes, name: str) -> bool:
    return False


def broken(*, data: bytes, name: str) -> bool:
    raise ConnectionError("scanner unreachable")
