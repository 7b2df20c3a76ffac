#include "PhotoDetailsPane.h"

#include <QComboBox>
#include <QFile>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

#include "Controls.h"
#include "MetadataEditor.h"
#include "PhotoGrid.h"

namespace diffclip::ui {

namespace {

QString sourceText(diffclip::LabelSource s) {
    switch (s) {
    case diffclip::LabelSource::Manual: return PhotoDetailsPane::tr("manual");
    case diffclip::LabelSource::Training: return PhotoDetailsPane::tr("training");
    case diffclip::LabelSource::Folder: return PhotoDetailsPane::tr("folder");
    case diffclip::LabelSource::ZeroShot: return PhotoDetailsPane::tr("zero-shot");
    }
    return {};
}

}  // namespace

PhotoDetailsPane::PhotoDetailsPane(QWidget* parent) : QScrollArea(parent) {
    auto* pane = new QWidget(this);
    m_title = new QLabel(pane);
    m_title->setObjectName(QStringLiteral("photoDetailTitle"));
    m_title->setWordWrap(true);
    setBold(m_title);
    m_classHint = new QLabel(pane);
    m_classHint->setObjectName(QStringLiteral("classHint"));
    m_classHint->setWordWrap(true);
    m_classHint->setForegroundRole(QPalette::PlaceholderText);
    m_labelEdit = new QComboBox(pane);
    m_labelEdit->setEditable(true);
    m_labelEdit->setInsertPolicy(QComboBox::NoInsert);
    m_labelEdit->setAccessibleName(tr("Label to assign"));
    m_labelEdit->lineEdit()->setPlaceholderText(tr("class name"));
    m_assign = makeButton(tr("Assign"), tr("Assign the label to the selected photos"), pane);
    connect(m_assign, &QPushButton::clicked, this, [this] {
        const QString l = m_labelEdit->currentText().trimmed();
        if (!l.isEmpty()) Q_EMIT labelRequested(l);
    });
    connect(m_labelEdit->lineEdit(), &QLineEdit::returnPressed, m_assign, &QPushButton::click);
    m_clear = makeButton(tr("Clear"), tr("Remove the manual label of the selected photos"), pane);
    connect(m_clear, &QPushButton::clicked, this, [this] { Q_EMIT labelRequested(QString()); });
    m_sources = new QLabel(pane);
    m_sources->setObjectName(QStringLiteral("labelSources"));
    m_sources->setWordWrap(true);
    auto* labelBox = new QGroupBox(tr("Label"), pane);
    auto* labelLayout = new QVBoxLayout(labelBox);
    auto* labelRow = new QHBoxLayout;
    labelRow->addWidget(m_labelEdit, 1);
    labelRow->addWidget(m_assign);
    labelRow->addWidget(m_clear);
    labelLayout->addLayout(labelRow);
    labelLayout->addWidget(m_sources);
    labelLayout->addWidget(m_classHint);
    m_metadata = new MetadataEditor(pane);

    auto* layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(labelBox);
    layout->addWidget(m_metadata);
    layout->addStretch(1);
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setWidget(pane);
    // Wide enough for the form and the label buttons in either language; measured, so DPI-safe.
    const int paneMin = fontMetrics().averageCharWidth() * 44;
    pane->setMinimumWidth(paneMin);
    setMinimumWidth(paneMin + verticalScrollBar()->sizeHint().width());
    setClasses({});
    showSelection(0, nullptr);
}

void PhotoDetailsPane::setClasses(const QStringList& classes) {
    QStringList keys;
    for (int i = 0; i < classes.size() && i < PhotoGrid::kClassKeys; ++i)
        keys << QStringLiteral("%1 %2").arg(i + 1).arg(classes[i]);
    m_classHint->setText(classes.isEmpty()
                             ? tr("Type a class name and press Assign. The first nine classes then get the keys 1–9 "
                                  "in the photo grid; 0 clears, Ctrl+Z undoes.")
                             : tr("Keys in the photo grid: %1 · 0 clears · Ctrl+Z undoes")
                                   .arg(keys.join(QStringLiteral(" · "))));
    const QString typed = m_labelEdit->currentText();
    m_labelEdit->clear();
    m_labelEdit->addItems(classes);
    m_labelEdit->setEditText(typed);
}

void PhotoDetailsPane::showSelection(int count, const diffclip::ImageRecord* current) {
    const bool any = count > 0;
    m_assign->setEnabled(any);
    m_clear->setEnabled(any);
    m_labelEdit->setEnabled(any);
    m_metadata->setEnabled(current != nullptr);
    if (!any) {
        m_title->setText(tr("Select photos to label them or edit their metadata."));
        m_sources->clear();
    } else if (count == 1) {
        m_title->setText(QFileInfo(QFile::decodeName(current ? current->path.c_str() : "")).fileName());
    } else {
        m_title->setText(tr("%n photos selected; the metadata below is of the current one.", nullptr, count));
    }
    if (!current || current->id != m_currentId) {  // the same photo again: keep what the user is typing
        m_currentId = current ? current->id : 0;
        m_metadata->setValues(current ? *current : diffclip::ImageRecord{});
    }
    if (!current) m_sources->clear();
}

void PhotoDetailsPane::setLabelEntries(const std::vector<diffclip::Library::LabelEntry>& entries) {
    if (entries.empty()) {
        m_sources->setText(tr("No label yet."));
        return;
    }
    QStringList parts;
    for (size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        QString part = QStringLiteral("%1 (%2").arg(QString::fromStdString(e.label), sourceText(e.source));
        if (e.source == diffclip::LabelSource::ZeroShot || e.source == diffclip::LabelSource::Training)
            part += QStringLiteral(", %1").arg(QLocale().toString(e.confidence, 'f', 2));
        part += QLatin1Char(')');
        parts << (i == 0 ? tr("Current: %1").arg(part) : part);
    }
    m_sources->setText(parts.join(QStringLiteral(" · ")));
}

void PhotoDetailsPane::setLabelEntriesError(const QString& details) {
    m_sources->setText(tr("Labels could not be read: %1").arg(details));
}

}  // namespace diffclip::ui
