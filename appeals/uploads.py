"""Attachments are checked by what they contain, not by their name (ASVS V12.1, V12.2)."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_FILES = 5
MAX_FILE_SIZE = 10 * 1024 * 1024
MAX_UNZIPPED_SIZE = 50 * 1024 * 1024  # an Office document is a zip: refuse zip bombs

# (magic bytes at offset, offset) → content type
SIGNATURES = [
    (b"%PDF-", 0, "application/pdf"),
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypheic", 4, "image/heic"),
    (b"ftypheix", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "application/msword"),
]
OFFICE_ZIP_TYPES = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_DESCRIPTION = "PDF, JPG, PNG, GIF, WEBP, HEIC, DOC, DOCX, XLSX"


def _refuse(upload: UploadedFile, message: str) -> ValidationError:
    return ValidationError(
        _("“%(name)s”: %(problem)s") % {"name": upload.name, "problem": message}, code="invalid_file"
    )


def validate_upload(upload: UploadedFile) -> str:
    """Return the file's real content type, or raise ValidationError with a message for the citizen."""
    if upload.size > MAX_FILE_SIZE:
        raise _refuse(upload, _("the file is larger than %(size)s.") % {"size": filesizeformat(MAX_FILE_SIZE)})
    if upload.size == 0:
        raise _refuse(upload, _("the file is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, offset, content_type in SIGNATURES:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                unzipped = sum(info.file_size for info in archive.infolist())
        except zipfile.BadZipFile as exc:
            raise _refuse(upload, _("the file is damaged.")) from exc
        finally:
            upload.seek(0)
        if unzipped > MAX_UNZIPPED_SIZE:
            raise _refuse(upload, _("the document is too large when unpacked."))
        for prefix, content_type in OFFICE_ZIP_TYPES.items():
            if "[Content_Types].xml" in names and any(name.startswith(prefix) for name in names):
                return content_type
    raise _refuse(upload, _("this type of file is not accepted. Attach %(types)s.") % {"types": ALLOWED_DESCRIPTION})


def validate_uploads(uploads: list[UploadedFile]) -> list[UploadedFile]:
    if len(uploads) > MAX_FILES:
        raise ValidationError(_("Attach at most %(count)s files.") % {"count": MAX_FILES}, code="too_many_files")
    errors = []
    for upload in uploads:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return uploads
