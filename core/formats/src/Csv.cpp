#include "diffclip/formats/Csv.h"

namespace diffclip {

Result<std::vector<CsvRow>> parseCsv(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    std::vector<CsvRow> rows;
    CsvRow row;
    row.line = 1;
    std::string field;
    size_t line = 1;
    size_t i = 0;
    const size_t n = text.size();
    bool rowHasContent = false;
    while (i < n) {
        const char c = text[i];
        if (c == '"' && field.empty()) {
            // Quoted field: runs to the closing quote; "" is a literal quote.
            const size_t startLine = line;
            ++i;
            bool closed = false;
            while (i < n) {
                if (text[i] == '"') {
                    if (i + 1 < n && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    closed = true;
                    break;
                }
                if (text[i] == '\n') {
                    ++line;
                }
                field += text[i++];
            }
            if (!closed) {
                return makeError(ErrorCode::Format, "unterminated quoted CSV field starting on line " +
                                                        std::to_string(startLine));
            }
            if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
                return makeError(ErrorCode::Format, "text after a closing quote on CSV line " + std::to_string(line));
            }
            rowHasContent = true;
            continue;
        }
        if (c == ',') {
            row.fields.push_back(std::move(field));
            field.clear();
            rowHasContent = true;
            ++i;
            continue;
        }
        if (c == '\r' || c == '\n') {
            if (c == '\r' && i + 1 < n && text[i + 1] == '\n') {
                ++i;
            }
            ++i;
            row.fields.push_back(std::move(field));
            field.clear();
            rows.push_back(std::move(row));
            row = CsvRow{};
            ++line;
            row.line = line;
            rowHasContent = false;
            continue;
        }
        field += c;
        rowHasContent = true;
        ++i;
    }
    if (rowHasContent || !field.empty()) {
        row.fields.push_back(std::move(field));
        rows.push_back(std::move(row));
    }
    return rows;
}

void appendCsvField(std::string& out, std::string_view field) {
    const bool quote = field.find_first_of(",\"\r\n") != std::string_view::npos ||
                       (!field.empty() && (field.front() == ' ' || field.back() == ' '));
    if (!quote) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"') {
            out += '"';
        }
        out += c;
    }
    out += '"';
}

std::string csvField(std::string_view field) {
    std::string out;
    appendCsvField(out, field);
    return out;
}

namespace {

template <typename Fields>
void appendRow(std::string& out, const Fields& fields) {
    bool first = true;
    for (const auto& f : fields) {
        if (!first) {
            out += ',';
        }
        first = false;
        appendCsvField(out, f);
    }
    out += "\r\n";
}

}  // namespace

void appendCsvRow(std::string& out, const std::vector<std::string>& fields) { appendRow(out, fields); }

void appendCsvRow(std::string& out, std::initializer_list<std::string_view> fields) { appendRow(out, fields); }

}  // namespace diffclip
