#include "SearchQueryBar.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

#include "PageTitle.h"
#include "PlaceholderFit.h"

namespace diffclip::ui {

SearchQueryBar::SearchQueryBar(QWidget* parent) : QWidget(parent) {
    auto* choose = new QPushButton(tr("Choose Photo…"), this);
    choose->setObjectName(QStringLiteral("choosePhotoButton"));
    choose->setToolTip(tr("Search with one or more photos (Ctrl+O)"));
    choose->setAccessibleName(tr("Choose query photo"));
    connect(choose, &QPushButton::clicked, this, &SearchQueryBar::choosePhotosRequested);
    auto* pasteButton = new QPushButton(tr("Paste"), this);
    pasteButton->setObjectName(QStringLiteral("pasteButton"));
    pasteButton->setToolTip(tr("Search with the image on the clipboard (Ctrl+V)"));
    pasteButton->setAccessibleName(tr("Paste query image"));
    connect(pasteButton, &QPushButton::clicked, this, &SearchQueryBar::pasteRequested);
    m_exportButton = new QPushButton(tr("Export CSV…"), this);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setAccessibleName(tr("Export results as CSV"));
    m_exportButton->setToolTip(tr("Save the results of every query as a CSV file"));
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
    auto* textButton = new QPushButton(tr("Search Text"), this);
    textButton->setAccessibleName(tr("Search by text"));
    connect(textButton, &QPushButton::clicked, this, [this] { Q_EMIT textSearchRequested(m_text->text()); });

    auto* header = new QHBoxLayout;
    header->addWidget(makePageTitle(tr("Search"), this));
    header->addStretch(1);
    header->addWidget(choose);
    header->addWidget(pasteButton);
    header->addWidget(m_exportButton);

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
