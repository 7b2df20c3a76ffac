#include "ModelSummaryView.h"

#include <QDir>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

#include "ModelListModel.h"

namespace diffclip::ui {

namespace {

QString num(int64_t v) { return QLocale().toString(qlonglong(v)); }
QString real(double v, int precision = 6) { return QLocale().toString(v, 'g', precision); }

// Small constants such as LayerNorm's epsilon, in the notation of model configs ("1e-5").
QString scientific(double v) {
    QString s = QString::number(v, 'g', 3);
    s.replace(QLatin1String("e-0"), QLatin1String("e-"));
    s.replace(QLatin1String("e+0"), QLatin1String("e+"));
    return s;
}

QString formatName(const std::string& format) {
    if (format == "package") return ModelSummaryView::tr("Model package (folder)");
    if (format == "checkpoint") return ModelSummaryView::tr("PyTorch training checkpoint");
    if (format == "safetensors") return ModelSummaryView::tr("safetensors weights");
    if (format == "preset") return ModelSummaryView::tr("Preset architecture with random weights");
    return QString::fromStdString(format);
}

// The core states how it found the architecture in English; known phrases are translated.
QString configSourceName(const std::string& how) {
    if (how == "package config.json") return ModelSummaryView::tr("From the package's config.json");
    if (how == "config.json beside the weights") return ModelSummaryView::tr("From config.json next to the weights");
    if (how == "inferred from tensor shapes") return ModelSummaryView::tr("Inferred from the tensor shapes");
    if (how == "preset") return ModelSummaryView::tr("Named preset");
    return QString::fromStdString(how);
}

QString interpolationName(const std::string& name) {
    if (name == "bilinear") return ModelSummaryView::tr("bilinear");
    if (name == "bicubic") return ModelSummaryView::tr("bicubic");
    if (name == "area") return ModelSummaryView::tr("area averaging");
    if (name == "nearest") return ModelSummaryView::tr("nearest neighbour");
    return QString::fromStdString(name);
}

QString headsText(int64_t heads, bool differential) {
    if (!differential) return num(heads);
    //: %1 heads, of which pairs form %2 differential heads (each pair subtracts one attention map from the other)
    return ModelSummaryView::tr("%1 (%2 differential pairs)").arg(num(heads), num(heads / 2));
}

QString rgbText(const std::array<double, 3>& v) {
    //: Red, green and blue channel values
    return ModelSummaryView::tr("R %1, G %2, B %3").arg(real(v[0], 4), real(v[1], 4), real(v[2], 4));
}

}  // namespace

ModelSummaryView::ModelSummaryView(QWidget* parent) : QScrollArea(parent) {
    setObjectName(QStringLiteral("modelSummaryView"));
    setAccessibleName(tr("Model summary"));
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);

    auto* content = new QWidget;
    auto* outer = new QVBoxLayout(content);
    m_title = new QLabel(content);
    m_title->setObjectName(QStringLiteral("summaryTitle"));
    m_title->setTextFormat(Qt::PlainText);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_title->setWordWrap(true);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_path = new QLabel(content);
    m_path->setTextFormat(Qt::PlainText);
    m_path->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_path->setForegroundRole(QPalette::PlaceholderText);
    m_path->setAccessibleName(tr("Model location"));
    outer->addWidget(m_title);
    outer->addWidget(m_path);
    outer->addSpacing(fontMetrics().height() / 2);

    m_form = new QFormLayout;
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_form->setRowWrapPolicy(QFormLayout::DontWrapRows);
    m_form->setLabelAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_form->setFormAlignment(Qt::AlignLeft | Qt::AlignTop);
    outer->addLayout(m_form);
    outer->addStretch(1);

    addSection(tr("Model"));
    addField(QStringLiteral("name"), tr("Name:"));
    addField(QStringLiteral("format"), tr("Format:"));
    addField(QStringLiteral("configSource"), tr("Architecture:"));
    addField(QStringLiteral("attention"), tr("Attention:"));
    addField(QStringLiteral("embedDim"), tr("Joint embedding size:"));
    addField(QStringLiteral("parameters"), tr("Parameters:"));
    addField(QStringLiteral("logitScale"), tr("Logit scale:"));

    addSection(tr("Vision tower"));
    addField(QStringLiteral("vision.imageSize"), tr("Image size:"));
    addField(QStringLiteral("vision.patchSize"), tr("Patch size:"));
    addField(QStringLiteral("vision.width"), tr("Width:"));
    addField(QStringLiteral("vision.depth"), tr("Depth:"));
    addField(QStringLiteral("vision.heads"), tr("Attention heads:"));
    addField(QStringLiteral("vision.mlpWidth"), tr("MLP width:"));
    addField(QStringLiteral("vision.normEps"), tr("LayerNorm epsilon:"));

    addSection(tr("Text tower"));
    addField(QStringLiteral("text.contextLength"), tr("Context length:"));
    addField(QStringLiteral("text.vocabSize"), tr("Vocabulary size:"));
    addField(QStringLiteral("text.width"), tr("Width:"));
    addField(QStringLiteral("text.layers"), tr("Layers:"));
    addField(QStringLiteral("text.heads"), tr("Attention heads:"));
    addField(QStringLiteral("text.mlpWidth"), tr("MLP width:"));
    addField(QStringLiteral("text.normEps"), tr("LayerNorm epsilon:"));

    addSection(tr("Image preprocessing"));
    addField(QStringLiteral("preprocess.resize"), tr("Resize:"));
    addField(QStringLiteral("preprocess.crop"), tr("Centre crop:"));
    addField(QStringLiteral("preprocess.mean"), tr("Mean:"));
    addField(QStringLiteral("preprocess.std"), tr("Standard deviation:"));

    addSection(tr("Tokenizer"));
    addField(QStringLiteral("tokenizer"), tr("Tokenizer:"));
    addField(QStringLiteral("tokenizer.path"), tr("File:"));

    addSection(tr("SHA-256 checksums"));
    m_checksumStart = m_form->rowCount();

    setWidget(content);
}

void ModelSummaryView::addSection(const QString& title) {
    auto* heading = new QLabel(title);
    QFont f = heading->font();
    f.setBold(true);
    heading->setFont(f);
    heading->setAccessibleName(title);
    // Space above each heading except the first, in text lines so it scales with the font.
    if (m_form->rowCount() > 0) heading->setContentsMargins(0, fontMetrics().height() * 2 / 3, 0, 0);
    m_form->addRow(heading);
    m_rows.append(Row{nullptr, heading, 0});
}

void ModelSummaryView::addField(const QString& key, const QString& label) {
    auto* value = new QLabel;
    value->setObjectName(QStringLiteral("value.") + key);
    value->setTextFormat(Qt::PlainText);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    value->setWordWrap(true);
    QString name = label;
    if (name.endsWith(QLatin1Char(':')) || name.endsWith(QChar(0xFF1A))) name.chop(1);
    value->setAccessibleName(name);
    auto* labelWidget = new QLabel(label);
    labelWidget->setBuddy(value);
    m_form->addRow(labelWidget, value);
    m_fields.insert(key, value);
    m_rows.append(Row{labelWidget, value, 1});
}

void ModelSummaryView::setField(const QString& key, const QString& text) {
    if (QLabel* l = m_fields.value(key)) l->setText(text);
}

QString ModelSummaryView::fieldText(const QString& key) const {
    const QLabel* l = m_fields.value(key);
    return l ? l->text() : QString();
}

void ModelSummaryView::setSummary(const QString& path, const diffclip::ModelSummary& s) {
    const diffclip::ModelConfig& c = s.config;
    const bool diff = c.attention == diffclip::AttentionKind::Differential;
    m_title->setText(c.name.empty() ? ModelListModel::displayName(path) : QString::fromStdString(c.name));
    m_path->setText(QDir::toNativeSeparators(path));

    setField(QStringLiteral("name"), c.name.empty() ? tr("(none recorded)") : QString::fromStdString(c.name));
    setField(QStringLiteral("format"), formatName(s.format));
    setField(QStringLiteral("configSource"), configSourceName(s.configSource));
    setField(QStringLiteral("attention"),
             diff ? tr("Differential (λ initial value %1)").arg(real(c.lambdaInit, 3)) : tr("Standard"));
    setField(QStringLiteral("embedDim"), num(c.embedDim));
    setField(QStringLiteral("parameters"), num(s.parameters));
    setField(QStringLiteral("logitScale"), real(s.logitScale, 6));

    //: Image size in pixels: %1 is the width and height of the square input
    setField(QStringLiteral("vision.imageSize"), tr("%1 × %1 px").arg(num(c.vision.imageSize)));
    setField(QStringLiteral("vision.patchSize"), tr("%1 px (%2 × %2 patches)")
                                                     .arg(num(c.vision.patchSize), num(c.vision.gridSize())));
    setField(QStringLiteral("vision.width"), num(c.vision.width));
    setField(QStringLiteral("vision.depth"), num(c.vision.depth));
    setField(QStringLiteral("vision.heads"), headsText(c.vision.heads, diff));
    setField(QStringLiteral("vision.mlpWidth"), num(c.vision.mlpWidth()));
    setField(QStringLiteral("vision.normEps"), scientific(c.vision.normEps));

    setField(QStringLiteral("text.contextLength"), tr("%1 tokens").arg(num(c.text.contextLength)));
    setField(QStringLiteral("text.vocabSize"), num(c.text.vocabSize));
    setField(QStringLiteral("text.width"), num(c.text.width));
    setField(QStringLiteral("text.layers"), num(c.text.layers));
    setField(QStringLiteral("text.heads"), headsText(c.text.heads, diff));
    setField(QStringLiteral("text.mlpWidth"), num(c.text.mlpWidth()));
    setField(QStringLiteral("text.normEps"), scientific(c.text.normEps));

    const diffclip::PreprocessConfig& p = c.preprocess;
    setField(QStringLiteral("preprocess.resize"), tr("Shorter side to %1 px, %2")
                                                      .arg(num(p.resizeShorter), interpolationName(p.interpolation)));
    setField(QStringLiteral("preprocess.crop"), tr("%1 × %1 px").arg(num(p.cropSize)));
    setField(QStringLiteral("preprocess.mean"), rgbText(p.mean));
    setField(QStringLiteral("preprocess.std"), rgbText(p.std));

    if (s.tokenizerPath.empty()) {
        setField(QStringLiteral("tokenizer"), tr("None: this model can embed images but not text"));
        setField(QStringLiteral("tokenizer.path"), QStringLiteral("—"));
    } else {
        setField(QStringLiteral("tokenizer"), tr("CLIP byte-pair encoding, %1 merges").arg(num(s.tokenizerMerges)));
        setField(QStringLiteral("tokenizer.path"), QDir::toNativeSeparators(QString::fromStdString(s.tokenizerPath)));
    }
    rebuildChecksums(s);
}

void ModelSummaryView::rebuildChecksums(const diffclip::ModelSummary& s) {
    for (auto it = m_fields.begin(); it != m_fields.end();) {
        if (it.key().startsWith(QLatin1String("sha256:")))
            it = m_fields.erase(it);
        else
            ++it;
    }
    while (m_form->rowCount() > m_checksumStart) {
        m_form->removeRow(m_form->rowCount() - 1);  // deletes the row's widgets
        m_rows.removeLast();
    }
    if (s.checksums.empty()) {
        addField(QStringLiteral("sha256:"), tr("Files:"));
        setField(QStringLiteral("sha256:"), tr("No checksums were computed."));
        return;
    }
    // File name on one row, its checksum under it at full width: 64 hex digits need room.
    for (const auto& [file, sum] : s.checksums) {
        const QString name = QString::fromStdString(file);
        auto* fileLabel = new QLabel(name);
        fileLabel->setTextFormat(Qt::PlainText);
        fileLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_form->addRow(fileLabel);
        m_rows.append(Row{nullptr, fileLabel, 1});
        auto* value = new QLabel(QString::fromStdString(sum));
        value->setObjectName(QStringLiteral("value.sha256:") + name);
        value->setTextFormat(Qt::PlainText);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        value->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        //: Accessible name of a checksum; %1 is a file name
        value->setAccessibleName(tr("SHA-256 of %1").arg(name));
        // Indented under its file name.
        value->setContentsMargins(fontMetrics().averageCharWidth() * 2, 0, 0, 0);
        m_form->addRow(value);
        m_rows.append(Row{nullptr, value, 2});
        m_fields.insert(QStringLiteral("sha256:") + name, value);
    }
}

QString ModelSummaryView::toPlainText() const {
    QStringList lines{m_title->text(), m_path->text()};
    for (const Row& r : m_rows) {
        if (r.indent == 0) {
            lines << QString() << r.value->text();
            continue;
        }
        const QString indent(r.indent * 2, QLatin1Char(' '));
        lines << (r.label ? indent + r.label->text() + QLatin1Char(' ') + r.value->text() : indent + r.value->text());
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

}  // namespace diffclip::ui
