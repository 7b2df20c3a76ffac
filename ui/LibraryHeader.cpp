#include "LibraryHeader.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include "Controls.h"
#include "ElidedText.h"
#include "FlowLayout.h"
#include "PageTitle.h"

namespace diffclip::ui {

LibraryHeader::LibraryHeader(QWidget* parent) : QWidget(parent) {
    QLabel* title = makePageTitle(tr("Library"), this);
    m_path = new ElidedLabel(this);
    m_path->setObjectName(QStringLiteral("libraryPathLabel"));
    m_path->setForegroundRole(QPalette::PlaceholderText);
    auto* open = makeButton(tr("Open Library…"), tr("Open a library file"), this);
    connect(open, &QPushButton::clicked, this, &LibraryHeader::openRequested);
    auto* create = makeButton(tr("New Library…"), tr("Create a new library file"), this);
    connect(create, &QPushButton::clicked, this, &LibraryHeader::createRequested);
    m_addFolder = makeButton(tr("Add Folder…"), tr("Add a folder of photos to the library"), this);
    m_addFolder->setObjectName(QStringLiteral("addFolderButton"));
    connect(m_addFolder, &QPushButton::clicked, this, &LibraryHeader::addPhotosRequested);
    m_mirror = makeButton(tr("Mirror Labels…"), tr("Mirror the labels as one folder per class"), this,
                          tr("Make a folder per class with links to (or copies of) the labelled photos, for training"));
    connect(m_mirror, &QPushButton::clicked, this, &LibraryHeader::mirrorRequested);
    m_autoLabel = makeButton(tr("Auto-Label…"), tr("Label the unlabelled photos automatically"), this,
                             tr("Give photos the class whose prompts their picture matches best (zero-shot, "
                                "from the stored embeddings), with editable prompts and a minimum confidence. "
                                "Labels you set by hand always win."));
    connect(m_autoLabel, &QPushButton::clicked, this, &LibraryHeader::autoLabelRequested);
    // The buttons wrap onto a second row in a narrow window (or a long language) rather than
    // making the window wider; the path gives way first.
    auto* buttons = new FlowLayout;
    for (QPushButton* b : {open, create, m_addFolder, m_autoLabel, m_mirror}) buttons->addWidget(b);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_path, 1);
    layout->addLayout(buttons);
    setPath(QString());
}

void LibraryHeader::setPath(const QString& path) {
    m_path->setFullText(path.isEmpty() ? tr("No library open") : path);
}

void LibraryHeader::setPossible(bool addPhotos, bool autoLabel, bool mirror) {
    m_addFolder->setEnabled(addPhotos);
    m_autoLabel->setEnabled(autoLabel);
    m_mirror->setEnabled(mirror);
}

}  // namespace diffclip::ui
