#include "ModelEmbeddingsTable.h"

#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QLocale>

#include "diffclip/library/Library.h"

namespace diffclip::ui {

LibraryModelState readLibraryModelState(const QString& libraryPath) {
    LibraryModelState out;
    diffclip::LibraryOptions options;
    options.readOnly = true;
    options.create = false;
    auto lib = diffclip::Library::open(QFile::encodeName(libraryPath).toStdString(), options);
    if (!lib) {
        out.error = lib.error();
        return out;
    }
    auto active = lib->setting("active_model");
    auto history = lib->activeModelHistory();
    auto counts = lib->embeddingCountsByModel();
    if (!active || !history || !counts) {
        out.error = !active ? active.error() : !history ? history.error() : counts.error();
        return out;
    }
    out.ok = true;
    out.active = QFile::decodeName(active->c_str());
    for (const auto& h : *history) out.history << QFile::decodeName(h.c_str());
    for (const auto& c : *counts) {
        ModelEmbeddingCount row;
        row.name = QFile::decodeName(c.model.name.c_str());
        row.fingerprint = QString::fromStdString(c.model.fingerprint);
        row.embeddings = c.embeddings;
        out.counts << row;
    }
    return out;
}

ModelEmbeddingsTable::ModelEmbeddingsTable(QWidget* parent) : QTableWidget(0, 2, parent) {
    setObjectName(QStringLiteral("embeddingsTable"));
    setAccessibleName(tr("Embeddings in this library per model"));
    setHorizontalHeaderLabels({tr("Model"), tr("Embeddings")});
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setTabKeyNavigation(false);
    verticalHeader()->hide();
    horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
}

void ModelEmbeddingsTable::setCounts(const QList<ModelEmbeddingCount>& counts, const QString& activePath) {
    setRowCount(0);
    const QLocale locale;
    for (const ModelEmbeddingCount& c : counts) {
        const int row = rowCount();
        insertRow(row);
        QString name;
        if (!c.registryId.isEmpty())
            name = c.registryId;
        else if (c.name.startsWith(QLatin1String("preset:")))
            name = c.name;
        else
            //: %1 the first digits of the model's fingerprint, %2 the path the library recorded
            name = tr("Not in the registry (fingerprint %1…, recorded as %2)")
                       .arg(c.fingerprint.left(12), QDir::toNativeSeparators(c.name));
        if (!activePath.isEmpty() && !c.name.isEmpty() && QDir::cleanPath(c.name) == activePath)
            name = tr("%1 (active)").arg(name);
        auto* nameItem = new QTableWidgetItem(name);
        nameItem->setToolTip(tr("%1\nFingerprint %2").arg(QDir::toNativeSeparators(c.name), c.fingerprint));
        auto* countItem = new QTableWidgetItem(locale.toString(c.embeddings));
        countItem->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        setItem(row, 0, nameItem);
        setItem(row, 1, countItem);
    }
}

}  // namespace diffclip::ui
