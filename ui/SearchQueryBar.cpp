#include "SearchQueryBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "Controls.h"
#include "PageTitle.h"
#include "PlaceholderFit.h"

namespace diffclip::ui {

SearchQueryBar::SearchQueryBar(QWidget* parent) : QWidget(parent) {
    auto* choose = makeButton(tr("Choose Photo…"), tr("Choose query photo"), this,
                              tr("Search with one or more photos (Ctrl+O)"));
    choose->setObjectName(QStringLiteral("choosePhotoButton"));
    connect(choose, &QPushButton::clicked, this, &SearchQueryBar::choosePhotosRequested);
    auto* pasteButton = makeButton(tr("Paste"), tr("Paste query image"), this,
                                   tr("Search with the image on the clipboard (Ctrl+V)"));
    pasteButton->setObjectName(QStringLiteral("pasteButton"));
    connect(pasteButton, &QPushButton::clicked, this, &SearchQueryBar::pasteRequested);
    m_exportButton = makeButton(tr("Export CSV…"), tr("Export results as CSV"), this,
                                tr("Save the results of every query as a CSV file"));
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setEnabled(false);
    connect(m_exportButton, &QPushButton::clicked, this, &SearchQueryBar::exportRequested);

    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("textSearch"));
    m_text->setPlaceholderText(tr("Or describe the defect, e.g. hairline crack near the weld"));
    m_text->setToolTip(m_text->placeholderText());
    m_text->setAccessibleName(tr("Text search"));
    m_text->setClearButtonEnabled(true);
    // Never narrower than its (translated) placeholder: Qt would cut it off.
    m_text->setMinimumWidth(widthShowingPlaceholder(m_text));
    connect(m_text, &QLineEdit::returnPressed, this, [this] { Q_EMIT textSearchRequested(m_text->text()); });
    auto* textButton = makeButton(tr("Search Text"), tr("Search by text"), this);
    connect(textButton, &QPushButton::clicked, this, [this] { Q_EMIT textSearchRequested(m_text->text()); });

    QHBoxLayout* header = makePageHeader(tr("Search"), this, {choose, pasteButton, m_exportButton});

    auto* textRow = new QHBoxLayout;
    textRow->addWidget(m_text, 1);
    textRow->addWidget(textButton);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addLayout(textRow);
}

void SearchQueryBar::setExportEnabled(bool enabled) { m_exportButton->setEnabled(enabled); }

void SearchQueryBar::clearText() { m_text->clear(); }

void SearchQueryBar::focusText() {
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

}  // namespace diffclip::ui
