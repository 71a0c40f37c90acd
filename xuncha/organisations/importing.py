"""Import and export of the organisation tree (Excel). Contract for the pages and the API:

- ``template_workbook() -> bytes``: the downloadable template.
- ``import_units(*, actor, data: bytes, filename: str) -> ImportResult``: all or nothing.
- ``export_units(*, user, root=None) -> bytes``: the visible tree as a workbook.
"""
