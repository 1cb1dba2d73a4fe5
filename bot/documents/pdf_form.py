"""The PDF's signature field and the PDF/UA items typst leaves out, added as one
incremental update with pyHanko (the typst output itself stays byte for byte)."""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field

SIGNATURE_WIDTH_PT = 240
SIGNATURE_HEIGHT_PT = 60


@dataclass(frozen=True)
class SignaturePosition:
    page: int  # 1-based
    x: float  # from the left edge, points
    y: float  # from the top edge, points
    page_height: float

    def box(self) -> tuple[int, int, int, int]:
        """The field's rectangle in PDF coordinates (origin bottom left)."""
        top = self.page_height - self.y
        return (
            round(self.x),
            round(top - SIGNATURE_HEIGHT_PT),
            round(self.x + SIGNATURE_WIDTH_PT),
            round(top),
        )


def add_signature_field(
    pdf: bytes, field_name: str, position: SignaturePosition, description: str
) -> bytes:
    """Add an empty signature field over the signature line, as an incremental update.

    The same update adds what PDF/UA asks and typst leaves out: the window shows the
    document's title (DisplayDocTitle), every page's tab order follows the structure
    (/Tabs /S), and the field has a description (/TU) and its place in the structure
    tree (a /Form element that points at the widget).
    """
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    spec = SigFieldSpec(sig_field_name=field_name, on_page=position.page - 1, box=position.box())
    append_signature_field(writer, spec)
    _accessible(writer, field_name, description)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _accessible(writer: IncrementalPdfFileWriter, field_name: str, description: str) -> None:
    root = writer.root
    preferences = root.get("/ViewerPreferences")
    preferences = (
        preferences.get_object() if preferences is not None else generic.DictionaryObject()
    )
    preferences[generic.NameObject("/DisplayDocTitle")] = generic.BooleanObject(True)
    root[generic.NameObject("/ViewerPreferences")] = preferences
    writer.update_root()
    for page_ref in _page_refs(writer):
        page = page_ref.get_object()
        page[generic.NameObject("/Tabs")] = generic.NameObject("/S")
        writer.update_container(page)

    fields = root["/AcroForm"]["/Fields"]
    widget_ref = next(f for f in fields if f.get_object().get("/T") == field_name)
    widget = widget_ref.get_object()
    widget[generic.NameObject("/TU")] = generic.TextStringObject(description)
    tree = root.get("/StructTreeRoot")
    if tree is None:
        writer.update_container(widget)
        return
    tree = tree.get_object()
    parent_ref = tree["/K"][0] if isinstance(tree["/K"], generic.ArrayObject) else tree["/K"]
    parent = parent_ref.get_object()
    key = int(tree.get("/ParentTreeNextKey", 0))
    form = generic.DictionaryObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/StructElem"),
            generic.NameObject("/S"): generic.NameObject("/Form"),
            generic.NameObject("/P"): parent_ref,
            generic.NameObject("/Alt"): generic.TextStringObject(description),
            generic.NameObject("/Pg"): widget["/P"],
            generic.NameObject("/K"): generic.DictionaryObject(
                {
                    generic.NameObject("/Type"): generic.NameObject("/OBJR"),
                    generic.NameObject("/Obj"): widget_ref,
                    generic.NameObject("/Pg"): widget["/P"],
                }
            ),
        }
    )
    form_ref = writer.add_object(form)
    kids = parent.get("/K")
    if isinstance(kids, generic.ArrayObject):
        kids.append(form_ref)
    else:
        parent[generic.NameObject("/K")] = generic.ArrayObject(
            [kids, form_ref] if kids is not None else [form_ref]
        )
    writer.update_container(parent)
    widget[generic.NameObject("/StructParent")] = generic.NumberObject(key)
    writer.update_container(widget)
    nums = tree["/ParentTree"].get_object()["/Nums"]
    nums.extend([generic.NumberObject(key), form_ref])
    tree[generic.NameObject("/ParentTreeNextKey")] = generic.NumberObject(key + 1)
    writer.update_container(tree)


def _page_refs(writer: IncrementalPdfFileWriter) -> list[generic.IndirectObject]:
    refs = []
    pending = [writer.root.raw_get("/Pages")]
    while pending:
        ref = pending.pop(0)
        node = ref.get_object()
        if node.get("/Type") == "/Pages":
            pending[:0] = list(node.raw_get("/Kids"))
        else:
            refs.append(ref)
    return refs
