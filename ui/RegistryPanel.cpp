#include "RegistryPanel.h"
#include "StdText.h"

#include <QCheckBox>
#include <QDir>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "Controls.h"
#include "ModelListModel.h"
#include "RegistryModel.h"

namespace diffclip::ui {

RegistryPanel::RegistryPanel(QWidget* parent) : QWidget(parent) {
    auto* title = new QLabel(tr("Model registry"), this);
    setBold(title);
    m_library = makeSelectableLabel(this, QStringLiteral("registryLibraryLabel"));

    m_model = new RegistryModel(this);
    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("registryView"));
    m_view->setModel(m_model);
    m_view->setAccessibleName(tr("Model versions in the registry"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setTabKeyNavigation(false);  // Tab leaves the table for the buttons
    m_view->verticalHeader()->hide();
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(RegistryModel::ArchitectureColumn, QHeaderView::Interactive);
    m_view->setTextElideMode(Qt::ElideMiddle);
    title->setBuddy(m_view);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RegistryPanel::selectionChanged);
    connect(m_view, &QTableView::activated, this, &RegistryPanel::activateRequested);
    auto* del = new QShortcut(QKeySequence::Delete, m_view, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &RegistryPanel::deleteRequested);

    m_activate = makeButton(tr("Make &Active"), tr("Make the selected model active for this library"), this,
                            tr("Search the open library with the selected model; photos it has not embedded yet "
                               "are embedded as a job (Enter in the list does the same)"));
    m_activate->setObjectName(QStringLiteral("makeActiveButton"));
    connect(m_activate, &QPushButton::clicked, this, &RegistryPanel::activateRequested);
    m_rollBack = makeButton(tr("&Roll Back"), tr("Make the previously active model active again"), this);
    m_rollBack->setObjectName(QStringLiteral("rollBackButton"));
    connect(m_rollBack, &QPushButton::clicked, this, &RegistryPanel::rollBackRequested);
    m_delete = makeButton(tr("&Delete…"), tr("Delete the selected model version"), this,
                          tr("Delete the selected model version from the registry (the active model cannot be "
                             "deleted)"));
    m_delete->setObjectName(QStringLiteral("deleteModelButton"));
    connect(m_delete, &QPushButton::clicked, this, &RegistryPanel::deleteRequested);
    auto* refresh = makeButton(tr("Re&fresh"), tr("List the registry again"), this);
    connect(refresh, &QPushButton::clicked, this, &RegistryPanel::refreshRequested);
    m_import = new QLabel(this);
    m_import->setObjectName(QStringLiteral("importLabel"));
    m_import->hide();
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_activate);
    buttons->addWidget(m_rollBack);
    buttons->addWidget(m_delete);
    buttons->addWidget(refresh);
    buttons->addWidget(m_import, 1);

    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("registryDetails"));
    m_details->setWordWrap(true);
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_details->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_details->setAccessibleName(tr("Details of the selected model version"));
    // Long paths must not widen the pane at the list's expense: the text wraps to the width given.
    m_details->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_details->setMinimumWidth(fontMetrics().averageCharWidth() * 30);

    auto* embeddingsTitle = new QLabel(tr("Embeddings in this library:"), this);
    m_embeddings = new ModelEmbeddingsTable(this);
    embeddingsTitle->setBuddy(m_embeddings);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_view, 1);
    leftLayout->addLayout(buttons);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_details);
    rightLayout->addWidget(embeddingsTitle);
    rightLayout->addWidget(m_embeddings, 1);
    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setChildrenCollapsible(false);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    const int detailsWidth = fontMetrics().averageCharWidth() * 48;
    split->setSizes({detailsWidth * 2, detailsWidth});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_library);
    layout->addWidget(split, 1);
}

QString RegistryPanel::selectedPath() const { return m_model->pathAt(m_view->currentIndex().row()); }

bool RegistryPanel::select(const QString& packagePath) {
    const int row = m_model->rowOf(packagePath);
    if (row < 0) return false;
    m_view->setCurrentIndex(m_model->index(row, 0));
    return true;
}

void RegistryPanel::selectFirstIfNone() {
    const int row = m_view->currentIndex().row();
    if ((row < 0 || row >= m_model->rowCount()) && m_model->rowCount() > 0) m_view->setCurrentIndex(m_model->index(0, 0));
}

void RegistryPanel::setLibraryText(const QString& text) { m_library->setText(text); }

void RegistryPanel::setImportText(const QString& text) {
    m_import->setText(text);
    m_import->setVisible(!text.isEmpty());
}

void RegistryPanel::setActions(bool canActivate, bool canRollBack, bool canDelete, const QString& rollBackTarget) {
    m_activate->setEnabled(canActivate);
    m_rollBack->setEnabled(canRollBack);
    m_delete->setEnabled(canDelete);
    m_rollBack->setToolTip(rollBackTarget.isEmpty()
                               ? tr("No earlier model of this library to go back to")
                               : tr("Make %1 active again").arg(QDir::toNativeSeparators(rollBackTarget)));
}

void RegistryPanel::showDetails(const QString& registryRoot, const QList<ModelEmbeddingCount>& counts,
                                bool libraryOpen) {
    const int row = m_view->currentIndex().row();
    if (row < 0 || row >= m_model->rowCount()) {
        m_details->setText(m_model->rowCount() == 0
                               ? tr("The registry is empty. Import a model file, or train one on the Training page; "
                                    "each version is kept in %1.")
                                     .arg(QDir::toNativeSeparators(registryRoot).toHtmlEscaped())
                               : QString());
        return;
    }
    const diffclip::RegistryEntry& e = m_model->entryAt(row);
    auto line = [](const QString& key, const QString& value) {
        // A zero-width space after each separator lets long paths wrap in the narrow pane.
        QString v = value.toHtmlEscaped();
        v.replace(QDir::separator(), QString(QDir::separator()) + QChar(0x200B));
        return QStringLiteral("<b>%1</b> %2<br>").arg(key.toHtmlEscaped(), v);
    };
    QString html = QStringLiteral("<p>");
    html += line(tr("Name:"), fromStd(e.displayName));
    html += line(tr("Folder:"), QDir::toNativeSeparators(fromStd(e.path)));
    if (!e.usable) html += line(tr("Unusable:"), fromStd(e.problem));
    const QString architecture = RegistryModel::architectureText(e);
    if (!architecture.isEmpty()) html += line(tr("Architecture:"), architecture);
    if (e.weightsBytes > 0) html += line(tr("Weights:"), QLocale().formattedDataSize(e.weightsBytes));
    if (e.hasTraining) {
        html += line(tr("Trained from:"), e.parentSpec.empty() ? tr("unknown") : QDir::toNativeSeparators(fromStd(e.parentSpec)));
        html += line(tr("Recipe:"), RegistryModel::modeText(fromStd(e.recipeMode)));
        if (!e.dataFingerprint.empty()) html += line(tr("Data fingerprint:"), fromStd(e.dataFingerprint));
        if (!e.metrics.empty()) html += line(tr("Validation:"), RegistryModel::metricsText(e));
    } else {
        html += line(tr("Origin:"), tr("imported (no training record)"));
    }
    if (!e.weightsFingerprint.empty()) html += line(tr("Weights SHA-256:"), fromStd(e.weightsFingerprint));
    qint64 embedded = -1;
    for (const ModelEmbeddingCount& c : counts)
        if (!c.name.isEmpty() && QDir::cleanPath(c.name) == QDir::cleanPath(fromStd(e.path))) embedded = c.embeddings;
    if (libraryOpen)
        html += line(tr("In this library:"), embedded < 0 ? tr("no embeddings") : tr("%n embedding(s)", nullptr, int(embedded)));
    html += QStringLiteral("</p>");
    m_details->setText(html);
}

bool RegistryPanel::confirmDelete(const QString& path, qint64 embeddings, bool* alsoEmbeddings) {
    QMessageBox box(QMessageBox::Question, tr("Delete Model Version"),
                    tr("Delete “%1” from the model registry?\nThe folder %2 is removed; this cannot be undone.")
                        .arg(ModelListModel::displayName(path), QDir::toNativeSeparators(path)),
                    QMessageBox::Cancel, this);
    QPushButton* yes = box.addButton(tr("Delete"), QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    QCheckBox* also = nullptr;
    if (embeddings > 0) {
        also = new QCheckBox(tr("Also delete its %n embedding(s) from this library", nullptr, int(embeddings)), &box);
        box.setCheckBox(also);
    }
    box.exec();
    *alsoEmbeddings = also && also->isChecked();
    return box.clickedButton() == yes;
}

}  // namespace diffclip::ui
