#pragma once
// Builds small PDFs byte by byte for the document tests (and the hostile cases): objects are numbered
// from 1 in the order added, build() writes them with a correct cross-reference table and trailer, so
// that a test can then break exactly the part it means to.

#include <cstdio>
#include <string>
#include <vector>

namespace testpdf {

class HandPdf {
public:
    /// Adds an object body ("<< /Type /Page ... >>", a stream from stream()); returns its number.
    int add(std::string body) {
        m_objects.push_back(std::move(body));
        return int(m_objects.size());
    }
    /// Reserves a number to fill in later with set() (for objects that refer to each other).
    int reserve() { return add(""); }
    void set(int number, std::string body) { m_objects[size_t(number - 1)] = std::move(body); }

    /// A stream object: `dict` holds the keys other than /Length.
    static std::string stream(const std::string& dict, const std::string& data) {
        return "<< " + dict + " /Length " + std::to_string(data.size()) + " >>\nstream\n" + data + "\nendstream";
    }

    /// The whole file; `trailerExtra` goes into the trailer dictionary. `xrefOffset` (if given) receives
    /// where the "xref" keyword starts.
    std::string build(int root, const std::string& trailerExtra = "", size_t* xrefOffset = nullptr) const {
        std::string out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
        std::vector<size_t> offsets;
        for (size_t i = 0; i < m_objects.size(); ++i) {
            offsets.push_back(out.size());
            out += std::to_string(i + 1) + " 0 obj\n" + m_objects[i] + "\nendobj\n";
        }
        const size_t xref = out.size();
        if (xrefOffset) *xrefOffset = xref;
        out += "xref\n0 " + std::to_string(m_objects.size() + 1) + "\n0000000000 65535 f \n";
        for (size_t o : offsets) {
            char entry[32];
            std::snprintf(entry, sizeof entry, "%010zu 00000 n \n", o);
            out += entry;
        }
        out += "trailer\n<< /Size " + std::to_string(m_objects.size() + 1) + " /Root " + std::to_string(root) + " 0 R " +
               trailerExtra + " >>\nstartxref\n" + std::to_string(xref) + "\n%%EOF\n";
        return out;
    }

private:
    std::vector<std::string> m_objects;
};

/// A one-page document: `content` drawn on a page of `mediaBox` with Helvetica as /F1 and `xobjects`
/// (the body of the /XObject resource dictionary, e.g. "/Im1 5 0 R") available; `pageExtra` goes into
/// the page dictionary and `catalogExtra` into the catalog. Objects the caller added to `pdf` before
/// keep their numbers.
inline std::string onePage(HandPdf& pdf, const std::string& content, const std::string& mediaBox = "[0 0 612 792]",
                           const std::string& xobjects = "", const std::string& pageExtra = "",
                           const std::string& catalogExtra = "", const std::string& trailerExtra = "") {
    const int font = pdf.add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
    const int contents = pdf.add(HandPdf::stream("", content));
    const int pages = pdf.reserve();
    const int page = pdf.add("<< /Type /Page /Parent " + std::to_string(pages) + " 0 R /MediaBox " + mediaBox +
                             " /Resources << /Font << /F1 " + std::to_string(font) + " 0 R >> /XObject << " + xobjects +
                             " >> >> /Contents " + std::to_string(contents) + " 0 R " + pageExtra + " >>");
    pdf.set(pages, "<< /Type /Pages /Kids [" + std::to_string(page) + " 0 R] /Count 1 >>");
    const int catalog = pdf.add("<< /Type /Catalog /Pages " + std::to_string(pages) + " 0 R " + catalogExtra + " >>");
    return pdf.build(catalog, trailerExtra);
}

/// An RGB image XObject of w x h pixels of one colour.
inline std::string solidImage(int w, int h, unsigned char r, unsigned char g, unsigned char b) {
    std::string data;
    for (int i = 0; i < w * h; ++i) {
        data += char(r);
        data += char(g);
        data += char(b);
    }
    return HandPdf::stream("/Type /XObject /Subtype /Image /Width " + std::to_string(w) + " /Height " + std::to_string(h) +
                               " /ColorSpace /DeviceRGB /BitsPerComponent 8",
                           data);
}

}  // namespace testpdf
