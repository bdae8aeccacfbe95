"""``/export/profile.pdf``: an A4 PDF printed by Chromium, read back with pypdf."""
import io

import pypdf
import pytest

A4 = (595.0, 842.0)  # points


@pytest.fixture(scope="module")
def reader(client):
    response = client.get("/export/profile.pdf?geo=E54000061&to=2026Q2")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert "profile-E54000061.pdf" in response.headers["Content-Disposition"]
    return pypdf.PdfReader(io.BytesIO(response.data))


def test_profile_pdf_1_a4_pages_with_title_date_source_and_demo_label(reader):
    assert 2 <= len(reader.pages) <= 12
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (round(A4[0]), round(A4[1]))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    assert "Area profile: South Yorkshire" in text
    assert "Data up to and including Apr-Jun 2026" in text
    assert "Printed on" in text and "Data version" in text
    assert "SYNTHETIC DEMO DATA" in text
    assert "ONS Annual Population Survey" in text  # a source
    assert "Open Government Licence" in text and "Crown copyright" in text
    for title in ("Summary", "Statistical neighbours", "Main health condition of the long-term sick"):
        assert title in text
    assert "worse (higher) than England" in text or "similar to England" in text or "better (lower)" in text


def test_profile_pdf_2_bad_area_is_a_one_line_400(client):
    response = client.get("/export/profile.pdf?geo=E54999999")
    assert response.status_code == 400
    assert b"geo" in response.data and response.data.count(b"\n") == 1
