"""Every PDF the product makes, from HTML: tagged and accessible (PDF/UA-1), as Finland's accessibility law asks of
documents too. WeasyPrint writes the structure tree (headings, lists, tables with their headers, figures with
their alternative text from an SVG's <title> or an image's alt), the document's language from <html lang>, and
its title from <title>, shown by viewers instead of the file name (DisplayDocTitle)."""

PDF_VARIANT = "pdf/ua-1"


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    """The HTML document as a tagged PDF/UA-1 file. The HTML must have a lang, a <title>, and alternative text for
    every image and chart."""
    from weasyprint import HTML  # type: ignore[import-untyped]  # slow to import: loaded only when a PDF is made

    pdf: bytes = HTML(string=html, base_url=base_url).write_pdf(pdf_variant=PDF_VARIANT)
    return pdf
