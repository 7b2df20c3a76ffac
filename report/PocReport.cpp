#include "PocReport.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QImage>
#include <QLocale>
#include <QPageSize>
#include <QPainter>
#include <QPainterPath>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSysInfo>
#include <QTextDocument>
#include <QThread>
#include <QTranslator>
#include <QUrl>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <map>

#include "diffclip/explain/ExplainSession.h"
#include "diffclip/explain/Render.h"
#include "diffclip/model/Config.h"
#include "diffclip/library/LabelCheck.h"
#include "diffclip/library/Library.h"

namespace diffclip::report {

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }
QString esc(const QString& s) { return s.toHtmlEscaped(); }
QString pct(double fraction, int decimals = 1) { return QLocale().toString(100.0 * fraction, 'f', decimals); }
QString num(double v, int decimals) { return QLocale().toString(v, 'f', decimals); }
QString dayOf(int64_t ms, int offset) { return q(usage::civilDay(usage::dayOf(ms, offset))); }

const Json* member(const Json& j, const char* key) { return j.is_object() ? jsonFind(j, key) : nullptr; }
double numberAt(const Json& j, const char* key, double fallback = 0.0) {
    const Json* v = member(j, key);
    return v && v->is_number() ? v->get<double>() : fallback;
}
std::string textAt(const Json& j, const char* key) {
    const Json* v = member(j, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

// ---- charts: painted, not widgets, so the command line draws them without a window ----

struct ChartPoint {
    double x = 0, y = 0, low = 0, high = 0;  // y and its interval, percent
};

struct ChartSpec {
    QString title, xLabel, yLabel;
    std::vector<ChartPoint> points;
    std::vector<std::pair<double, QString>> xTicks;  // positions (in x units) and labels
    double xMin = 0, xMax = 1;
    bool logX = false;
    std::vector<QPointF> curve;                      // optional line (x, y percent)
    std::vector<QPointF> bandLow, bandHigh;          // optional band around the curve
    std::optional<double> target;                    // optional dashed horizontal line (percent)
};

constexpr int kChartW = 1400, kChartH = 620;

QImage paintChart(const ChartSpec& s) {
    QImage img(kChartW, kChartH, QImage::Format_ARGB32_Premultiplied);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font = QGuiApplication::font();
    font.setPixelSize(24);
    p.setFont(font);
    const QRectF plot(110, 70, kChartW - 150, kChartH - 170);
    auto xs = [&](double x) {
        const double a = s.logX ? std::log(std::max(x, 1e-9)) : x, lo = s.logX ? std::log(s.xMin) : s.xMin,
                     hi = s.logX ? std::log(s.xMax) : s.xMax;
        return plot.left() + (a - lo) / (hi - lo) * plot.width();
    };
    auto ys = [&](double y) { return plot.bottom() - std::clamp(y, 0.0, 100.0) / 100.0 * plot.height(); };
    QFont bold = font;
    bold.setBold(true);
    bold.setPixelSize(28);
    p.setFont(bold);
    p.setPen(Qt::black);
    p.drawText(QRectF(0, 10, kChartW, 50), Qt::AlignCenter, s.title);
    p.setFont(font);
    // Grid and axes.
    p.setPen(QPen(QColor(220, 220, 220), 1));
    for (int v = 0; v <= 100; v += 20) p.drawLine(QPointF(plot.left(), ys(v)), QPointF(plot.right(), ys(v)));
    p.setPen(QPen(Qt::black, 2));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    p.drawLine(plot.bottomLeft(), plot.topLeft());
    for (int v = 0; v <= 100; v += 20)
        p.drawText(QRectF(0, ys(v) - 15, plot.left() - 12, 30), Qt::AlignRight | Qt::AlignVCenter, QString::number(v));
    for (const auto& [x, label] : s.xTicks) {
        p.drawLine(QPointF(xs(x), plot.bottom()), QPointF(xs(x), plot.bottom() + 8));
        p.drawText(QRectF(xs(x) - 90, plot.bottom() + 10, 180, 30), Qt::AlignHCenter | Qt::AlignTop, label);
    }
    p.drawText(QRectF(plot.left(), plot.bottom() + 50, plot.width(), 40), Qt::AlignCenter, s.xLabel);
    p.save();
    p.translate(28, plot.center().y());
    p.rotate(-90);
    p.drawText(QRectF(-plot.height() / 2, -20, plot.height(), 40), Qt::AlignCenter, s.yLabel);
    p.restore();
    const QColor blue(31, 119, 180);
    if (!s.bandLow.empty() && s.bandLow.size() == s.bandHigh.size()) {
        QPainterPath band;
        band.moveTo(xs(s.bandLow.front().x()), ys(s.bandLow.front().y()));
        for (const auto& pt : s.bandLow) band.lineTo(xs(pt.x()), ys(pt.y()));
        for (auto it = s.bandHigh.rbegin(); it != s.bandHigh.rend(); ++it) band.lineTo(xs(it->x()), ys(it->y()));
        band.closeSubpath();
        p.fillPath(band, QColor(31, 119, 180, 45));
    }
    if (s.target) {
        p.setPen(QPen(Qt::black, 2, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), ys(*s.target)), QPointF(plot.right(), ys(*s.target)));
    }
    if (s.curve.size() > 1) {
        p.setPen(QPen(blue, 4));
        QPolygonF line;
        for (const auto& pt : s.curve) line << QPointF(xs(pt.x()), ys(pt.y()));
        p.drawPolyline(line);
    }
    p.setPen(QPen(blue.darker(130), 3));
    for (const auto& pt : s.points) {
        const double x = xs(pt.x);
        p.drawLine(QPointF(x, ys(pt.low)), QPointF(x, ys(pt.high)));
        p.drawLine(QPointF(x - 8, ys(pt.low)), QPointF(x + 8, ys(pt.low)));
        p.drawLine(QPointF(x - 8, ys(pt.high)), QPointF(x + 8, ys(pt.high)));
    }
    p.setBrush(blue.darker(130));
    for (const auto& pt : s.points) p.drawEllipse(QPointF(xs(pt.x), ys(pt.y)), 8, 8);
    return img;
}

QImage weeklyChart(const UsageKpis& k) {
    ChartSpec s;
    s.title = PocReport::tr("Hit@5 per week with its 95% interval");
    s.xLabel = PocReport::tr("ISO week");
    s.yLabel = PocReport::tr("Hit@5 (%)");
    s.xMin = -0.5;
    s.xMax = std::max(0.5, double(k.byWeek.size()) - 0.5);
    for (size_t i = 0; i < k.byWeek.size(); ++i) {
        const auto& w = k.byWeek[i];
        s.xTicks.emplace_back(double(i), q(w.group));
        const UsageHitRate& r = w.at[1];
        if (r.trials == 0) continue;
        s.points.push_back({double(i), 100 * r.rate, 100 * r.low, 100 * r.high});
    }
    return paintChart(s);
}

// The data-needs curve from the study's JSON; a null image when it holds no point.
QImage dataNeedsChart(const Json& d) {
    const Json* points = member(d, "points");
    if (!points || !points->is_array() || points->empty()) return {};
    ChartSpec s;
    s.title = PocReport::tr("Top-1 on the held-out photos by labelled photos per class");
    s.xLabel = PocReport::tr("Labelled photos per class");
    s.yLabel = PocReport::tr("Top-1 (%)");
    s.logX = true;
    double minN = 1e9, maxN = 1;
    for (const auto& p : *points) {
        const double n = numberAt(p, "per_class");
        const Json* iv = member(p, "interval");
        const double lo = iv && iv->is_array() && iv->size() == 2 && (*iv)[0].is_number() ? (*iv)[0].get<double>() : 0.0;
        const double hi = iv && iv->is_array() && iv->size() == 2 && (*iv)[1].is_number() ? (*iv)[1].get<double>() : 0.0;
        if (!(n > 0)) continue;
        s.points.push_back({n, 100 * numberAt(p, "mean"), 100 * lo, 100 * hi});
        s.xTicks.emplace_back(n, QLocale().toString(n, 'f', n < 10 ? 1 : 0));
        minN = std::min(minN, n);
        maxN = std::max(maxN, n);
    }
    if (s.points.empty()) return {};
    auto curveOf = [&](const char* key, std::vector<QPointF>& out) {
        const Json* c = member(d, key);
        if (!c || !c->is_object()) return false;
        const double a = numberAt(*c, "a"), b = numberAt(*c, "b"), cc = numberAt(*c, "c");
        const double lo = std::log(std::max(1.0, minN * 0.8)), hi = std::log(2.0 * maxN);
        for (int i = 0; i <= 60; ++i) {
            const double n = std::exp(lo + (hi - lo) * i / 60.0);
            out.emplace_back(n, 100.0 * std::clamp(a - b * std::pow(n, -cc), 0.0, 1.0));
        }
        return true;
    };
    const bool curve = curveOf("curve", s.curve);
    curveOf("curve_lower", s.bandLow);
    curveOf("curve_upper", s.bandHigh);
    s.xMin = std::max(0.8, minN * 0.7);
    s.xMax = curve ? 2.2 * maxN : maxN * 1.3;
    if (curve) s.xTicks.emplace_back(2.0 * maxN, QLocale().toString(2.0 * maxN, 'f', 0));
    if (const Json* t = member(d, "target"); t && t->is_number()) s.target = 100.0 * t->get<double>();
    return paintChart(s);
}

// A chart: inline as a data: URI (HTML, as wide as the page allows), or by resource name at the
// PDF's text width (A4 less 15 mm margins is 180 mm: 510 of QTextDocument's units there).
QString imageTag(const QImage& img, const QString& name, bool inlineImages) {
    if (!inlineImages) return QStringLiteral("<p><img src=\"%1\" width=\"510\"></p>").arg(name);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    img.save(&buffer, "PNG");
    return QStringLiteral("<p><img src=\"data:image/png;base64,%1\" width=\"700\" style=\"max-width: 100%\"></p>")
        .arg(QString::fromLatin1(png.toBase64()));
}

QString photos(double n) { return QLocale().toString(n, 'f', n < 10 && n != std::floor(n) ? 1 : 0); }

QString table(const QStringList& header, const std::vector<QStringList>& rows) {
    QString h = QStringLiteral("<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\" width=\"100%\"><tr>");
    for (const QString& c : header) h += QStringLiteral("<th>%1</th>").arg(esc(c));
    h += QStringLiteral("</tr>");
    for (const QStringList& r : rows) {
        h += QStringLiteral("<tr>");
        for (const QString& c : r) h += QStringLiteral("<td>%1</td>").arg(esc(c));
        h += QStringLiteral("</tr>");
    }
    return h + QStringLiteral("</table>");
}

QString rateText(const UsageHitRate& r) {
    if (r.trials == 0) return QStringLiteral("–");
    return QStringLiteral("%1 % (%2–%3)").arg(pct(r.rate), pct(r.low), pct(r.high));
}

QString pText(const std::optional<double>& p) {
    if (!p) return QStringLiteral("–");
    return *p < 0.001 ? QStringLiteral("< 0.001") : QLocale().toString(*p, 'f', 3);
}

QString signedPoints(double points) {
    return (points > 0 ? QStringLiteral("+") : points < 0 ? QStringLiteral("−") : QString()) +
           QLocale().toString(std::abs(points), 'f', 1);
}

// "model name (first 12 of the fingerprint)".
QString modelText(const ComparedModel& m) {
    return QStringLiteral("%1 (%2)").arg(q(m.name), q(m.fingerprint.substr(0, 12)));
}

QString cpuModel() {
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (!f.open(QIODevice::ReadOnly)) return QSysInfo::currentCpuArchitecture();
    const QString text = QString::fromUtf8(f.readAll());
    QString model, flags;
    for (const QString& line : text.split(QLatin1Char('\n'))) {
        if (model.isEmpty() && line.startsWith(QLatin1String("model name"))) model = line.section(QLatin1Char(':'), 1).trimmed();
        if (flags.isEmpty() && line.startsWith(QLatin1String("flags"))) flags = line.section(QLatin1Char(':'), 1);
    }
    QStringList have;
    const QStringList words = flags.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const char* flag : {"avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16"})
        if (words.contains(QLatin1String(flag))) have << QLatin1String(flag);
    return (model.isEmpty() ? QSysInfo::currentCpuArchitecture() : model) +
           (have.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(have.join(QLatin1Char(' '))));
}

// The index of hit@5 among the overall rows, else 0.
size_t headlineIndex(const ModelComparison& c) {
    for (size_t i = 0; i < c.overall.size(); ++i)
        if (c.overall[i].metric == RetrievalMetric::HitAtK && c.overall[i].k == 5) return i;
    return 0;
}

QString csvField(const QString& v) {
    if (!v.contains(QLatin1Char(',')) && !v.contains(QLatin1Char('"')) && !v.contains(QLatin1Char('\n'))) return v;
    QString e = v;
    e.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + e + QLatin1Char('"');
}

Status writeCsvFile(const QString& path, const QStringList& header, const std::vector<QStringList>& rows) {
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return makeError(ErrorCode::Io, path.toStdString() + ": " + f.errorString().toStdString());
    auto line = [&](const QStringList& cells) {
        QStringList e;
        for (const QString& c : cells) e << csvField(c);
        f.write((e.join(QLatin1Char(',')) + QStringLiteral("\r\n")).toUtf8());
    };
    line(header);
    for (const auto& r : rows) line(r);
    if (!f.commit()) return makeError(ErrorCode::Io, path.toStdString() + ": " + f.errorString().toStdString());
    return Status::success();
}

QString plain(double v, int decimals = 6) { return QString::number(v, 'f', decimals); }

// Up to request.examples judged searches with a right hit and a query photo still on disk, spread
// evenly over the period, explained with A1 beside A1 − λA2. What goes wrong is said in the note
// and leaves the rest of the report standing.
void gatherExamples(Library& library, const PocReportRequest& request, PocReportData& d) {
    std::string spec = request.explainModel;
    if (spec.empty()) {
        auto main = mainEmbeddingModel(library);
        if (!main || !*main) {
            d.examplesNote = "no model has embedded the library's photos";
            return;
        }
        spec = (*main)->name;
    }
    d.examplesModel = spec;
    auto log = library.searchLog(request.kpis.filter);
    if (!log) {
        d.examplesNote = log.error().message;
        return;
    }
    std::vector<const SearchLogRecord*> candidates;
    for (const auto& r : *log)
        if (r.firstRightRank > 0 && !r.entry.textQuery && QFileInfo::exists(QFile::decodeName(r.entry.query.c_str())))
            candidates.push_back(&r);
    if (candidates.empty()) {
        d.examplesNote = "no judged photo search with a right hit whose photo is still on disk";
        return;
    }
    auto session = explain::ExplainSession::open({});
    if (!session) {
        d.examplesNote = session.error().message;
        return;
    }
    auto info = (*session)->modelInfo(spec);
    if (!info) {
        d.examplesNote = info.error().message;
        return;
    }
    if (!info->differential) {
        d.examplesNote = spec + " has standard attention: there is no A1 − λA2 map to show";
        return;
    }
    // How photos are cropped, for masks: the package's config.json.
    std::optional<ModelConfig> crop;
    if (auto c = ModelConfig::fromFile((QDir(QFile::decodeName(spec.c_str())).filePath(QStringLiteral("config.json"))).toStdString()))
        crop = *c;
    const size_t n = std::min(candidates.size(), size_t(request.examples));
    for (size_t i = 0; i < n; ++i) {
        const SearchLogRecord& r = *candidates[(2 * i + 1) * candidates.size() / (2 * n)];
        explain::ExplainRequest e;
        e.photoPath = r.entry.query;
        e.modelA = spec;
        e.mode = explain::CompareMode::A1VsDifference;
        e.method = explain::MapMethod::Attention;
        e.perLayer = false;
        auto result = (*session)->explain(e);
        if (!result) {
            d.examplesNote = r.entry.query + ": " + result.error().message;
            continue;
        }
        auto rendered = explain::renderPanes(*result, explain::RenderOptions{});
        if (!rendered || result->panes.size() < 2) {
            d.examplesNote = r.entry.query + ": " + (rendered ? std::string("no maps") : rendered.error().message);
            continue;
        }
        ReportExample x;
        x.query = r.entry.query;
        x.label = r.rightLabel;
        x.rank = r.firstRightRank;
        x.figure = std::move(rendered->comparison);
        x.a1Top10 = result->panes[0].summary.top10Share;
        x.diffTop10 = result->panes[1].summary.top10Share;
        x.a1Entropy = result->panes[0].summary.normalisedEntropy;
        x.diffEntropy = result->panes[1].summary.normalisedEntropy;
        if (crop) {
            const QFileInfo photo(QFile::decodeName(r.entry.query.c_str()));
            QStringList maskFiles;
            if (!request.masksDir.empty()) {
                const QDir masks(QFile::decodeName(request.masksDir.c_str()));
                maskFiles << masks.filePath(photo.dir().dirName() + QLatin1Char('/') + photo.completeBaseName() + QStringLiteral(".png"))
                           << masks.filePath(photo.completeBaseName() + QStringLiteral(".png"));
            } else {
                // The layout of the demo and of many labelling tools: .../photos/<path> beside .../masks/<path>.png.
                QString path = QDir::fromNativeSeparators(photo.absoluteFilePath());
                const int at = path.lastIndexOf(QLatin1String("/photos/"));
                if (at >= 0) {
                    path.replace(at, 8, QStringLiteral("/masks/"));
                    maskFiles << QFileInfo(path).dir().filePath(photo.completeBaseName() + QStringLiteral(".png"));
                }
            }
            for (const QString& candidate : maskFiles) {
                if (!QFileInfo::exists(candidate)) continue;
                const explain::PatchGrid& a1 = result->panes[0].map;
                auto region = explain::loadRegionMask(QFile::encodeName(candidate).toStdString(), result->photoWidth,
                                                      result->photoHeight, crop->preprocess, a1.rows, a1.cols);
                if (!region) break;
                auto s1 = explain::summarise(a1, &*region);
                auto s2 = explain::summarise(result->panes[1].map, &*region);
                if (s1 && s2) {
                    x.a1Region = s1->regionShare;
                    x.diffRegion = s2->regionShare;
                }
                break;
            }
        }
        d.examples.push_back(std::move(x));
    }
}

QImage toImage(const RgbImage8& rgb) {
    if (rgb.width <= 0 || rgb.height <= 0 || rgb.pixels.size() != size_t(rgb.width) * size_t(rgb.height) * 3) return {};
    return QImage(rgb.pixels.data(), rgb.width, rgb.height, rgb.width * 3, QImage::Format_RGB888).copy();
}

}  // namespace

Result<PocReportData> gatherPocReport(Library& library, const PocReportRequest& request) {
    PocReportData d;
    d.generatedMs = QDateTime::currentMSecsSinceEpoch();
    auto k = usageKpis(library, request.kpis);
    if (!k) return k.error();
    d.kpis = std::move(*k);
    if (request.economics) d.economics = computeEconomics(d.kpis, *request.economics);
    DriftOptions drift;
    drift.recentDays = request.kpis.recentDays;
    if (request.kpis.filter.toMs > 0 && request.kpis.filter.toMs != std::numeric_limits<int64_t>::max())
        drift.endMs = request.kpis.filter.toMs;
    auto dr = embeddingDrift(library, drift);
    if (!dr) return dr.error();
    d.drift = *dr;
    auto counts = library.embeddingCountsByModel();
    if (!counts) return counts.error();
    for (const auto& c : *counts) {
        ReportModel m;
        m.name = c.model.name;
        m.fingerprint = c.model.fingerprint;
        m.embeddings = c.embeddings;
        std::ifstream in(QFile::encodeName(QDir(q(c.model.name)).filePath(QStringLiteral("training.json"))).toStdString());
        if (in) {
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (auto j = parseJson(text)) m.training = *j;
        }
        d.models.push_back(std::move(m));
    }
    auto images = library.listImageIds();  // ids only: the count is all the report needs
    if (!images) return images.error();
    d.photos = int64_t(images->size());
    auto labels = library.currentLabels();
    if (!labels) return labels.error();
    for (const auto& [id, label] : *labels) d.labelled += label.empty() ? 0 : 1;
    if (request.examples > 0) gatherExamples(library, request, d);
    if (request.models) {
        CompareOptions o;
        o.iterations = request.iterations;
        auto c = compareModels(library, request.models->first, request.models->second, o);
        if (c) d.comparison = std::move(*c);
        else d.comparisonError = c.error().message;
    }
    return d;
}

QStringList PocReport::chartNames() { return {QStringLiteral("chart-weekly.png"), QStringLiteral("chart-data-needs.png")}; }

QString PocReport::exampleName(size_t index) { return QStringLiteral("example-%1.png").arg(index + 1); }

QString PocReport::comparisonSentence(const ComparisonFinding& f) {
    const QString topic = f.metric == RetrievalMetric::HitAtK ? tr("putting the right defect in the top %n", nullptr, f.k)
                          : f.metric == RetrievalMetric::ReciprocalRank ? tr("the rank of the first right defect (MRR)")
                                                                         : tr("ranking all right defects high (mAP)");
    const QString p = (f.p < 0.001 ? tr("p < 0.001") : tr("p = %1").arg(QLocale().toString(f.p, 'f', 3))) +
                      (f.holm ? tr(" (Holm)") : QString());
    const QString better = q(f.better), worse = q(f.worse);
    QString s = f.verdict == ComparisonFinding::Verdict::NoDifference
                    ? tr("Cannot tell “%1” and “%2” apart on %3: “%2” − “%1” = %4 points (95% CI %5 to %6), %7.")
                          .arg(worse, better, topic, signedPoints(f.points), signedPoints(f.interval.low),
                               signedPoints(f.interval.high), p)
                    : tr("“%1” is better than “%2” at %3: %4 points (95% CI %5 to %6), %7.")
                          .arg(better, worse, topic, signedPoints(f.points), signedPoints(f.interval.low),
                               signedPoints(f.interval.high), p);
    for (const auto& n : f.classes)
        s += QLatin1Char(' ') + tr("On “%1”: %2 points (%n queries).", nullptr, int(n.queries)).arg(q(n.label), signedPoints(n.points));
    return s;
}

QString PocReport::html(const PocReportData& d, const PocReportRequest& r, bool inlineImages) {
    const UsageKpis& k = d.kpis;
    const int tz = r.kpis.utcOffsetMinutes;
    // An open end of the period shows the first or last day with a search.
    const bool openFrom = k.fromMs <= 0, openTo = k.toMs <= 0 || k.toMs == std::numeric_limits<int64_t>::max();
    const QString none = QStringLiteral("–");
    const QString from = !openFrom ? dayOf(k.fromMs, tz) : k.perDay.empty() ? none : q(k.perDay.front().day);
    const QString to = !openTo ? dayOf(k.toMs - 1, tz) : k.perDay.empty() ? none : q(k.perDay.back().day);
    QString h = QStringLiteral("<html><head><meta charset=\"utf-8\"><title>%1</title></head><body>").arg(esc(tr("PoC report")));
    h += QStringLiteral("<h1>%1</h1>").arg(esc(tr("Proof-of-concept report")));
    h += QStringLiteral("<p>%1</p>")
             .arg(esc(tr("Library %1 · period %2 to %3 · %4 photos, %5 labelled · made %6 by %7")
                          .arg(q(r.libraryPath), from, to)
                          .arg(d.photos)
                          .arg(d.labelled)
                          .arg(QDateTime::fromMSecsSinceEpoch(d.generatedMs).toString(Qt::ISODate), q(r.program))));

    // The verdict: one paragraph of the figures that decide.
    QStringList verdict;
    const UsageHitRate& h1 = k.overall.at[0];
    const UsageHitRate& h5 = k.overall.at[1];
    if (k.judged == 0)
        verdict << tr("No search has been judged in this period yet: the hit rates need inspectors to mark the right "
                      "hit (or “none right”) after their searches.");
    else
        verdict << tr("In %n judged searches, the right past defect was among the first five results in %1 % of them "
                      "(95% interval %2 to %3 %) and first in %4 %.",
                      nullptr, int(k.judged))
                       .arg(pct(h5.rate), pct(h5.low), pct(h5.high), pct(h1.rate));
    if (k.monitor.warning)
        verdict << tr("Hit@5 fell significantly over the last %n days (p = %1): find out what changed before deciding.",
                      nullptr, r.kpis.recentDays)
                       .arg(pText(k.monitor.pValue));
    if (d.drift.warning)
        verdict << tr("Recently added photos differ from the earlier ones (p = %1): the rates measured before may not "
                      "hold for them.")
                       .arg(pText(d.drift.pValue));
    if (d.economics && d.economics->hoursSavedPerMonth) {
        const Economics& e = *d.economics;
        QString money = tr("With the plant's own figures the tool saves about %1 hours a month").arg(num(*e.hoursSavedPerMonth, 1));
        if (e.paybackMonths)
            money += tr(" and pays back the investment in %1 months.").arg(num(*e.paybackMonths, 1));
        else
            money += tr("; it does not pay back the investment at this rate.");
        verdict << money;
    }
    if (d.comparison && !d.comparison->overall.empty())
        verdict << comparisonSentence(findingFor(*d.comparison, headlineIndex(*d.comparison)));
    if (!r.dataNeeds.is_null()) {
        const Json* needed = member(r.dataNeeds, "needed");
        const double target = numberAt(r.dataNeeds, "target", 0.9);
        if (needed && needed->is_number())
            verdict << tr("About %1 labelled photos per class reach %2 % top-1 in the data-needs study.")
                           .arg(num(needed->get<double>(), 0), pct(target, 0));
        else if (member(r.dataNeeds, "curve") && !member(r.dataNeeds, "curve")->is_null())
            verdict << tr("The data-needs study does not reach %1 % top-1 within twice the photos it measured.").arg(pct(target, 0));
    }
    h += QStringLiteral("<h2>%1</h2><p>%2</p>").arg(esc(tr("Verdict")), esc(verdict.join(QLatin1Char(' '))));
    h += QStringLiteral("<p>%1</p>").arg(esc(tr("Approved by: ______________________  Date: ____________")));

    // Hit rates.
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("How often the right past defect is found")));
    std::vector<QStringList> rows;
    auto rateRow = [&](const QString& group, const UsageHitRates& g) {
        rows.push_back({group, QString::number(g.searches), QString::number(g.judged), rateText(g.at[0]), rateText(g.at[1]),
                        rateText(g.at[2])});
    };
    rateRow(tr("All searches"), k.overall);
    for (const auto& g : k.byLabel) rateRow(g.group.empty() ? tr("(label unknown)") : q(g.group), g);
    const QStringList rateHeader{tr("Group"), tr("Searches"), tr("Judged"), tr("Hit@1 (95% CI)"), tr("Hit@5 (95% CI)"),
                                 tr("Hit@10 (95% CI)")};
    h += table(rateHeader, rows);
    h += QStringLiteral("<p>%1</p>")
             .arg(esc(tr("Hit@K: the share of judged searches whose first right hit was within the first K results; "
                         "the interval is the 95% Wilson score interval. “No confident match” answers: %1 % of %2 "
                         "photo searches. Searches per day: %3. Median time from a search to its first “right”: %4.")
                          .arg(pct(k.notConfidentShare))
                          .arg(k.confidenceTested)
                          .arg(num(k.spanDays > 0 ? double(k.searches) / k.spanDays : 0.0, 1))
                          .arg(k.medianTaskSeconds ? tr("%1 s").arg(num(*k.medianTaskSeconds, 1)) : QStringLiteral("–"))));
    if (!k.byWeek.empty()) {
        h += imageTag(weeklyChart(k), chartNames()[0], inlineImages);
        rows.clear();
        for (const auto& g : k.byWeek) rateRow(q(g.group), g);
        h += table(rateHeader, rows);
    }
    h += QStringLiteral("<h3>%1</h3><p>%2</p>")
             .arg(esc(tr("Monitoring")),
                  esc(k.monitor.recentTrials == 0 || k.monitor.previousTrials == 0
                          ? tr("Not enough judged searches in the last %n days and the days before to test a change.", nullptr,
                               r.kpis.recentDays)
                          : tr("Hit@5 over the last %1 days: %2 of %3; the %1 days before: %4 of %5; one-sided Fisher test "
                               "p = %6%7.")
                                .arg(r.kpis.recentDays)
                                .arg(k.monitor.recentHits)
                                .arg(k.monitor.recentTrials)
                                .arg(k.monitor.previousHits)
                                .arg(k.monitor.previousTrials)
                                .arg(pText(k.monitor.pValue),
                                     k.monitor.warning ? tr(": a significant drop") : tr(": no significant drop"))));
    h += QStringLiteral("<p>%1</p>")
             .arg(esc(!d.drift.tested
                          ? tr("Photo drift: not tested (fewer than 10 photos on a side: %1 recent, %2 earlier).")
                                .arg(d.drift.recent)
                                .arg(d.drift.earlier)
                          : tr("Photo drift (MMD test on the embeddings of %1): %2 recent against %3 earlier photos, p = %4%5.")
                                .arg(q(d.drift.model))
                                .arg(d.drift.recent)
                                .arg(d.drift.earlier)
                                .arg(pText(d.drift.pValue),
                                     d.drift.warning ? tr(": they differ") : tr(": no difference shown"))));

    // Latency and cost.
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("Speed and cost")));
    std::map<std::string, std::vector<const UsageLatency*>> byModel;
    for (const auto& l : k.latency) byModel[l.model].push_back(&l);
    rows.clear();
    for (const auto& [model, days] : byModel) {
        int64_t n = 0;
        double p50 = 0, p95 = 0;
        for (const auto* l : days) {
            n += l->searches;
            p50 = std::max(p50, l->p50Ms);
            p95 = std::max(p95, l->p95Ms);
        }
        rows.push_back({q(model), QString::number(n), QString::number(days.size()), num(p50, 0), num(p95, 0)});
    }
    if (!rows.empty())
        h += table({tr("Model"), tr("Searches"), tr("Days"), tr("Worst daily p50 (ms)"), tr("Worst daily p95 (ms)")}, rows);
    h += QStringLiteral("<p>%1</p>").arg(esc(tr("Mean time of a search as the user waited (decode, embed, search): %1 s.")
                                                  .arg(num(k.meanTotalSeconds, 3))));
    if (d.economics && r.economics) {
        const Economics& e = *d.economics;
        const EconomicsInputs& in = *r.economics;
        auto opt = [](const std::optional<double>& v, int decimals) { return v ? num(*v, decimals) : QStringLiteral("–"); };
        rows = {{tr("Minutes a lookup took before (the plant's time study)"), num(in.beforeMinutes, 1)},
                {tr("Hourly rate"), num(in.hourlyRate, 0)},
                {tr("Power of the search PC (W)"), num(in.powerWatts, 0)},
                {tr("Electricity price per kWh"), num(in.pricePerKwh, 2)},
                {tr("Investment"), num(in.investment, 0)},
                {tr("Searches per month"), num(e.searchesPerMonth, 1)},
                {tr("Lookups with a right hit per month"), num(e.lookupsPerMonth, 1)},
                {tr("Median task time (minutes)"), opt(e.taskMinutes, 2)},
                {tr("Minutes saved per lookup"), opt(e.savedMinutesPerLookup, 2)},
                {tr("Hours saved per month"), opt(e.hoursSavedPerMonth, 1)},
                {tr("Money saved per month"), opt(e.moneySavedPerMonth, 0)},
                {tr("Electricity per 1,000 searches"), num(e.costPer1000Searches, 2)},
                {tr("Electricity per month"), num(e.runningCostPerMonth, 2)},
                {tr("Payback (months)"), opt(e.paybackMonths, 1)}};
        h += QStringLiteral("<h3>%1</h3>").arg(esc(tr("Time and money")));
        h += table({tr("Figure"), tr("Value")}, rows);
        h += QStringLiteral("<p>%1</p>").arg(esc(tr("docs/POC.md, “Time and money”, says how each figure is computed.")));
    }

    // Model A/B.
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("Two models compared on the library's labelled photos")));
    if (d.comparison) {
        const ModelComparison& c = *d.comparison;
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(tr("A: %1 · B: %2 · %n queries (labelled photos both have embedded), %3 bootstrap resamples.",
                             nullptr, int(c.queries))
                              .arg(modelText(c.a), modelText(c.b))
                              .arg(c.iterations)));
        rows.clear();
        for (const auto& m : c.overall)
            rows.push_back({q(m.name()), QString::number(m.queries),
                            QStringLiteral("%1 (%2–%3)").arg(pct(m.a), pct(m.aInterval.low), pct(m.aInterval.high)),
                            QStringLiteral("%1 (%2–%3)").arg(pct(m.b), pct(m.bInterval.low), pct(m.bInterval.high)),
                            QStringLiteral("%1 (%2 … %3)")
                                .arg(signedPoints(100 * m.difference), signedPoints(100 * m.differenceInterval.low),
                                     signedPoints(100 * m.differenceInterval.high)),
                            m.pHolm ? QStringLiteral("%1 (%2)").arg(pText(m.p), pText(m.pHolm)) : pText(m.p)});
        h += table({tr("Metric"), tr("Queries"), tr("A (95% CI)"), tr("B (95% CI)"), tr("B − A, points (95% CI)"), tr("p (Holm)")},
                   rows);
        QStringList sentences;
        for (size_t i = 0; i < c.overall.size(); ++i) sentences << comparisonSentence(findingFor(c, i));
        for (const QString& sentence : sentences) h += QStringLiteral("<p>%1</p>").arg(esc(sentence));
        rows.clear();
        QStringList header{tr("Class"), tr("Queries")};
        for (const auto& m : c.overall) header << tr("%1: B − A").arg(q(m.name()));
        for (const auto& cls : c.classes) {
            QStringList row{q(cls.label), QString::number(cls.queries)};
            for (const auto& m : cls.metrics) row << signedPoints(100 * m.difference);
            rows.push_back(row);
        }
        h += QStringLiteral("<h3>%1</h3>").arg(esc(tr("Per class (points)")));
        h += table(header, rows);
    } else {
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(d.comparisonError.empty()
                              ? tr("No comparison in this report: name two models that have embedded the library's photos "
                                   "(diffclip report --models A,B, or two models in the library for the PoC page).")
                              : tr("The comparison could not be made: %1").arg(q(d.comparisonError))));
    }

    // Data needs.
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("How many labelled photos are needed")));
    const QImage needs = r.dataNeeds.is_null() ? QImage() : dataNeedsChart(r.dataNeeds);
    if (needs.isNull()) {
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(tr("Not in this report: run “Photos Needed…” on the PoC page or diffclip study data-needs --json, "
                             "and give its result (diffclip report --data-needs FILE).")));
    } else {
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(tr("Mode %1 (%2); top-1 on %3 held-out photos; each size trained on several random draws.")
                              .arg(q(textAt(r.dataNeeds, "mode")), q(textAt(r.dataNeeds, "base")))
                              .arg(int64_t(numberAt(r.dataNeeds, "held_out")))));
        h += imageTag(needs, chartNames()[1], inlineImages);
        rows.clear();
        for (const auto& p : *member(r.dataNeeds, "points")) {
            const Json* iv = member(p, "interval");
            const Json* t = member(p, "top1");
            const Json* req = member(p, "requested");
            const QString asked = req && req->is_string() ? tr("all") : QString::number(int64_t(numberAt(p, "requested")));
            QString interval = QStringLiteral("–");
            if (iv && iv->is_array() && iv->size() == 2 && (*iv)[0].is_number() && (*iv)[1].is_number())
                interval = QStringLiteral("%1–%2").arg(pct((*iv)[0].get<double>()), pct((*iv)[1].get<double>()));
            rows.push_back({asked, photos(numberAt(p, "per_class")), QString::number(t && t->is_array() ? t->size() : 0),
                            pct(numberAt(p, "mean")), interval});
        }
        h += table({tr("Asked per class"), tr("Trained per class"), tr("Draws"), tr("Top-1 %"), tr("95% interval")}, rows);
    }

    // Example searches with their maps.
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("Where the model looks: example searches")));
    if (d.examples.empty()) {
        h += QStringLiteral("<p>%1</p>").arg(esc(tr("No example in this report: %1").arg(q(d.examplesNote))));
    } else {
        h += QStringLiteral("<p>%1</p>")
                 .arg(esc(tr("Judged searches whose right hit was found, explained with %1: the photo as the model saw "
                             "it, the attention of its last block (A1) and the differential map A1 − λA2 on one colour "
                             "scale. Top 10 %: the share of the map in its 10 % strongest patches (higher: more focused).")
                              .arg(q(d.examplesModel))));
        for (size_t i = 0; i < d.examples.size(); ++i) {
            const ReportExample& x = d.examples[i];
            h += QStringLiteral("<p>%1</p>")
                     .arg(esc(tr("%1 · right hit at rank %2 (%3) · top 10 %: A1 %4 %, A1 − λA2 %5 % · normalised entropy: "
                                 "A1 %6, A1 − λA2 %7")
                                  .arg(QFileInfo(q(x.query)).fileName())
                                  .arg(x.rank)
                                  .arg(x.label.empty() ? tr("label unknown") : q(x.label), pct(x.a1Top10), pct(x.diffTop10),
                                       num(x.a1Entropy, 3), num(x.diffEntropy, 3))));
            if (x.a1Region && x.diffRegion)
                h += QStringLiteral("<p>%1</p>")
                         .arg(esc(tr("Inside the defect's mask: A1 %1 %, A1 − λA2 %2 % of the map.")
                                      .arg(pct(*x.a1Region), pct(*x.diffRegion))));
            const QImage img = toImage(x.figure);
            if (inlineImages) {
                h += imageTag(img, exampleName(i), true);
            } else {
                h += QStringLiteral("<p><img src=\"%1\" width=\"510\"></p>").arg(exampleName(i));
            }
        }
    }

    // Provenance and machine.
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("Models in the library")));
    rows.clear();
    for (const auto& m : d.models) {
        QString training = QStringLiteral("–");
        if (m.training.is_object()) {
            const Json* after = member(m.training, "after");
            const Json* parent = member(m.training, "parent");
            const Json* init = parent ? member(*parent, "init") : nullptr;
            const Json* recipe = member(m.training, "recipe");
            // Where it started: a starter (by name), random weights, or the parent model it was tuned from.
            QString start = QStringLiteral("–");
            if (init) start = q(textAt(*init, "kind") == "starter" ? textAt(*init, "starter") : textAt(*init, "kind"));
            else if (parent) start = q(!textAt(*parent, "spec").empty() ? textAt(*parent, "spec") : textAt(*parent, "name"));
            training = tr("%1 training (%2 preset, learning rate %3, seed %4), %5 epochs, validation top-1 %6 %, start: %7")
                           .arg(q(textAt(m.training, "mode")), recipe ? q(textAt(*recipe, "preset")) : QStringLiteral("–"),
                                recipe ? QString::number(numberAt(*recipe, "learning_rate")) : QStringLiteral("–"))
                           .arg(recipe ? int64_t(numberAt(*recipe, "seed")) : 0)
                           .arg(int64_t(numberAt(m.training, "epochs_completed")))
                           .arg(after ? pct(numberAt(*after, "top1")) : QStringLiteral("–"), start);
        }
        rows.push_back({q(m.name), q(m.fingerprint.substr(0, 16)), QString::number(m.embeddings), training});
    }
    h += table({tr("Model"), tr("Weights fingerprint (SHA-256, first 16)"), tr("Photos embedded"), tr("Training")}, rows);
    h += QStringLiteral("<h2>%1</h2>").arg(esc(tr("Machine")));
    QStringList machine{tr("Processor: %1, %2 logical cores").arg(cpuModel()).arg(QThread::idealThreadCount()),
                        tr("System: %1").arg(QSysInfo::prettyProductName()), tr("Qt %1").arg(QString::fromLatin1(qVersion()))};
    for (const auto& line : r.machine) machine << q(line);
    h += QStringLiteral("<p>%1</p>").arg(esc(machine.join(QStringLiteral(" · "))));
    h += QStringLiteral("<p>%1</p>").arg(esc(tr("docs/POC.md says how every figure in this report is computed.")));
    return h + QStringLiteral("</body></html>");
}

Status PocReport::write(const QString& path, const PocReportData& d, const PocReportRequest& r) {
    const QString ext = QFileInfo(path).suffix().toLower();
    if (ext != QLatin1String("pdf") && ext != QLatin1String("html") && ext != QLatin1String("htm"))
        return makeError(ErrorCode::InvalidArgument, path.toStdString() + ": the report is written as .pdf or .html");
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(ErrorCode::Io, path.toStdString() + ": " + file.errorString().toStdString());
    if (ext != QLatin1String("pdf")) {
        file.write(html(d, r, true).toUtf8());
    } else {
        QTextDocument doc;
        QFont font = QGuiApplication::font();
        // The CJK face covers both scripts; Latin text keeps the default face's metrics close.
        for (const char* family : {"Noto Sans CJK JP", "IPAGothic", "IPAexGothic"})
            if (QFontDatabase::families().contains(QLatin1String(family))) {
                font.setFamily(QLatin1String(family));
                break;
            }
        font.setPointSizeF(9.0);
        doc.setDefaultFont(font);
        doc.setDefaultStyleSheet(QStringLiteral("h1 { font-size: 18pt; } h2 { font-size: 13pt; margin-top: 14px; } "
                                                "h3 { font-size: 11pt; } th { background-color: #e8eef5; }"));
        doc.addResource(QTextDocument::ImageResource, QUrl(chartNames()[0]), weeklyChart(d.kpis));
        if (!r.dataNeeds.is_null()) doc.addResource(QTextDocument::ImageResource, QUrl(chartNames()[1]), dataNeedsChart(r.dataNeeds));
        for (size_t i = 0; i < d.examples.size(); ++i)
            doc.addResource(QTextDocument::ImageResource, QUrl(exampleName(i)), toImage(d.examples[i].figure));
        doc.setHtml(html(d, r, false));
        QPdfWriter pdf(&file);
        pdf.setPageSize(QPageSize(QPageSize::A4));
        pdf.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout::Millimeter);
        pdf.setTitle(tr("Proof-of-concept report"));
        pdf.setCreator(q(r.program));
        doc.print(&pdf);
    }
    if (!file.commit()) return makeError(ErrorCode::Io, path.toStdString() + ": " + file.errorString().toStdString());
    return Status::success();
}

Result<QStringList> PocReport::writeCsv(const QString& dir, const PocReportData& d, const PocReportRequest& r) {
    if (!QDir().mkpath(dir)) return makeError(ErrorCode::Io, dir.toStdString() + ": the folder cannot be made");
    QStringList written;
    auto put = [&](const QString& name, const QStringList& header, const std::vector<QStringList>& rows) -> Status {
        const QString path = QDir(dir).filePath(name);
        if (Status s = writeCsvFile(path, header, rows); !s) return s;
        written << path;
        return Status::success();
    };
    const UsageKpis& k = d.kpis;
    std::vector<QStringList> rows;
    auto rates = [&](const QString& kind, const UsageHitRates& g) {
        for (size_t i = 0; i < kUsageKs.size(); ++i) {
            const UsageHitRate& h = g.at[i];
            rows.push_back({kind, q(g.group), QString::number(kUsageKs[i]), QString::number(h.hits), QString::number(h.trials),
                            plain(h.rate), plain(h.low), plain(h.high)});
        }
    };
    rates(QStringLiteral("overall"), k.overall);
    for (const auto& g : k.byLabel) rates(QStringLiteral("label"), g);
    for (const auto& g : k.byWeek) rates(QStringLiteral("week"), g);
    if (Status s = put(QStringLiteral("hit_rates.csv"), {"group_kind", "group", "k", "hits", "trials", "rate", "low", "high"}, rows); !s)
        return s.error();
    rows.clear();
    for (const auto& l : k.latency)
        rows.push_back({q(l.day), q(l.model), QString::number(l.searches), plain(l.p50Ms, 3), plain(l.p95Ms, 3)});
    if (Status s = put(QStringLiteral("latency.csv"), {"day", "model", "searches", "p50_ms", "p95_ms"}, rows); !s) return s.error();
    rows.clear();
    for (const auto& day : k.perDay) rows.push_back({q(day.day), QString::number(day.searches)});
    if (Status s = put(QStringLiteral("per_day.csv"), {"day", "searches"}, rows); !s) return s.error();
    if (d.comparison) {
        rows.clear();
        auto metricRows = [&](const QString& group, const std::vector<MetricComparison>& ms) {
            for (const auto& m : ms)
                rows.push_back({group, q(m.name()), QString::number(m.queries), plain(m.a), plain(m.aInterval.low),
                                plain(m.aInterval.high), plain(m.b), plain(m.bInterval.low), plain(m.bInterval.high),
                                plain(m.difference), plain(m.differenceInterval.low), plain(m.differenceInterval.high),
                                m.p ? plain(*m.p) : QString(), m.pHolm ? plain(*m.pHolm) : QString()});
        };
        metricRows(QString(), d.comparison->overall);
        for (const auto& c : d.comparison->classes) metricRows(q(c.label), c.metrics);
        if (Status s = put(QStringLiteral("comparison.csv"),
                           {"class", "metric", "queries", "a", "a_low", "a_high", "b", "b_low", "b_high", "difference",
                            "difference_low", "difference_high", "p", "p_holm"},
                           rows);
            !s)
            return s.error();
    }
    if (const Json* points = member(r.dataNeeds, "points"); points && points->is_array()) {
        rows.clear();
        for (const auto& p : *points) {
            const Json* iv = member(p, "interval");
            const Json* req = member(p, "requested");
            const bool ok = iv && iv->is_array() && iv->size() == 2 && (*iv)[0].is_number() && (*iv)[1].is_number();
            rows.push_back({req && req->is_string() ? QStringLiteral("all") : QString::number(int64_t(numberAt(p, "requested"))),
                            plain(numberAt(p, "per_class"), 3), plain(numberAt(p, "mean")),
                            ok ? plain((*iv)[0].get<double>()) : QString(), ok ? plain((*iv)[1].get<double>()) : QString()});
        }
        if (Status s = put(QStringLiteral("data_needs.csv"), {"requested", "per_class", "mean_top1", "low", "high"}, rows); !s)
            return s.error();
    }
    return written;
}

bool installReportTranslator(const QString& language) {
    if (language == QLatin1String("en")) return true;
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (!translator->load(QStringLiteral(":/i18n-report/diffclip_%1.qm").arg(language))) {
        delete translator;
        return false;
    }
    QCoreApplication::installTranslator(translator);
    QLocale::setDefault(QLocale(language));
    return true;
}

}  // namespace diffclip::report
