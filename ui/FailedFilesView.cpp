#include "FailedFilesView.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "ErrorText.h"

namespace diffclip::ui {

FailedFilesView::FailedFilesView(QWidget* parent) : QWidget(parent) {
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("failedFilesList"));
    m_list->setAccessibleName(tr("Files that could not be added"));
    m_list->setHeaderLabels({tr("File"), tr("Reason")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setColumnWidth(0, fontMetrics().averageCharWidth() * 70);
    auto* intro = new QLabel(tr("These files were found but could not be added: unreadable, damaged, too large, "
                                "or not a supported image format (JPEG, PNG, TIFF, WebP, BMP). They are tried "
                                "again when you add their folder again."),
                             this);
    intro->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
}

void FailedFilesView::setFailures(const std::vector<diffclip::FailedFile>& failures) {
    m_list->clear();
    for (const auto& f : failures) {
        auto* item = new QTreeWidgetItem(m_list);
        const QString path = QDir::toNativeSeparators(QFile::decodeName(f.path.c_str()));
        item->setText(0, path);
        item->setToolTip(0, path);
        const QString detail = QString::fromStdString(f.reason);
        const QString reason = ErrorText::failureReason(f.code);
        item->setText(1, reason.isEmpty() ? detail : reason);
        item->setToolTip(1, detail);
    }
}

void FailedFilesView::clear() { m_list->clear(); }

}  // namespace diffclip::ui
