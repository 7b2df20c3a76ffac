#include "ExplainPage.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "AppSettings.h"
#include "Controls.h"
#include "ElidedText.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "ExplainChartModels.h"
#include "ExplainCharts.h"
#include "ExplainPanes.h"
#include "ExplainReport.h"
#include "ExplainRunner.h"
#include "ExplainScaleRow.h"
#include "ExplainText.h"
#include "ExplainToolbar.h"
#include "ExplainView.h"
#include "PhotoFormats.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;


ExplainPage::ExplainPage(QWidget* parent) : QWidget(parent) {
    setAcceptDrops(true);
    setAccessibleName(tr("Explain"));
    m_chartModels = new ExplainChartModels(this);
    m_runner = new ExplainRunner(this);
    buildLayout();
    connectControls();

    auto opened = ex::ExplainSession::open();
    if (opened) m_session = std::shared_ptr<ex::ExplainSession>(std::move(*opened));
    else
        m_error->showError(tr("The explain engine could not start"), ErrorText::libraryReason(opened.error().code),
                           ErrorText::details(opened.error()));
    m_runner->setSession(m_session);
    m_scale->setSession(m_session);
    updateControls();
}

ExplainPage::~ExplainPage() {
    m_runner->cancel();
    m_scale->cancel();
}

// The controls on top (wrapping into rows), the panes, scale and charts in a scroll area (so a
// small window scrolls them rather than growing), the status and the exports at the bottom.
void ExplainPage::buildLayout() {
    m_error = new ErrorBanner(this);
    m_bar = new ExplainToolbar(this);
    auto* body = new QWidget;
    m_panes = new ExplainPanes(body);
    m_scale = new ExplainScaleRow(body);
    m_charts = new ExplainCharts(m_chartModels->lambda(), m_chartModels->entropy(), m_chartModels->region(), body);
    auto* bodyLayout = new QVBoxLayout(body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(m_panes, 3);
    bodyLayout->addWidget(m_scale);
    bodyLayout->addWidget(m_charts, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(body);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_status = makeSelectableLabel(this);
    m_status->setAccessibleName(tr("Status"));
    m_clearRegion = makeButton(tr("Clear &region"), tr("Clear region of interest"), this,
                               tr("Shift-drag on a pane to draw a region of interest"));
    m_exportPng = makeButton(tr("Export P&NG…"), tr("Export PNG"), this);
    m_exportPdf = makeButton(tr("Export PDF &report…"), tr("Export PDF report"), this);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_clearRegion);
    bottom->addWidget(m_exportPng);
    bottom->addWidget(m_exportPdf);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addWidget(m_bar);
    layout->addWidget(scroll, 1);
    layout->addLayout(bottom);
}

void ExplainPage::connectControls() {
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(60);
    connect(m_debounce, &QTimer::timeout, this, &ExplainPage::start);
    connect(m_runner, &ExplainRunner::answered, this, &ExplainPage::finish);

    connect(m_bar->photoButton(), &QPushButton::clicked, this, &ExplainPage::choosePhoto);
    connect(m_bar->modelBButton(), &QPushButton::clicked, this, &ExplainPage::chooseModelB);
    connect(m_bar->queryButton(), &QPushButton::clicked, this, &ExplainPage::chooseQueryPhoto);
    connect(m_exportPng, &QPushButton::clicked, this, &ExplainPage::exportPngAs);
    connect(m_exportPdf, &QPushButton::clicked, this, &ExplainPage::exportPdfAs);
    connect(m_clearRegion, &QPushButton::clicked, this, [this] { setRegion(QRectF()); });
    for (QComboBox* choice : {m_bar->mode(), m_bar->method()})
        connect(choice, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
            updateControls();
            schedule();
        });
    connect(m_bar->head(), qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        if (!m_updatingControls) schedule();
    });
    connect(m_bar->queryEdit(), &QLineEdit::editingFinished, this, [this] {
        if (m_bar->queryMethod()) schedule();
    });
    connect(m_bar->layer(), &QSlider::valueChanged, this, [this] {
        m_bar->updateLayerLabel();
        if (!m_updatingControls) schedule();
    });
    connect(m_bar->opacity(), &QSlider::valueChanged, this, [this] { rerender(); });
    connect(m_bar->scaleMode(), qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int index) {
        m_scale->setFolderMode(index == 1);
        applyScale();
    });
    // Cancelling gives the choice back visibly: the panes keep the comparison's scale.
    connect(m_scale, &ExplainScaleRow::cancelRequested, this, [this] { m_bar->scaleMode()->setCurrentIndex(0); });
    connect(m_scale, &ExplainScaleRow::scaleChanged, this, &ExplainPage::applyScale);
    connect(m_scale, &ExplainScaleRow::textChanged, m_panes, &ExplainPanes::setColourBarToolTip);
    connect(m_scale, &ExplainScaleRow::failed, m_error, &ErrorBanner::showError);
    connect(m_panes, &ExplainPanes::valueHovered, m_status, &QLabel::setText);
    connect(m_panes, &ExplainPanes::regionDrawn, this, &ExplainPage::setRegion);
}

QGraphicsView* ExplainPage::paneView(int pane) const { return m_panes->view(pane); }
bool ExplainPage::hasResult() const { return m_result && m_rendered; }
bool ExplainPage::isBusy() const { return m_runner->isBusy(); }
int ExplainPage::layer() const { return m_bar->layer()->value(); }
QSlider* ExplainPage::layerSlider() const { return m_bar->layer(); }
QCustomPlot* ExplainPage::lambdaPlot() const { return m_charts->lambdaPlot(); }
QCustomPlot* ExplainPage::entropyPlot() const { return m_charts->entropyPlot(); }
QCustomPlot* ExplainPage::regionPlot() const { return m_charts->regionPlot(); }
QString ExplainPage::statusText() const { return m_status->text(); }
QString ExplainPage::paneTitle(int pane) const { return m_panes->title(pane); }
QString ExplainPage::paneNumbers(int pane) const { return m_panes->numbers(pane); }
bool ExplainPage::isFolderScaleBusy() const { return m_scale->isBusy(); }
int ExplainPage::folderScaleRuns() const { return m_scale->runs(); }
void ExplainPage::setFolderScaleProgressHook(std::function<void(int, int)> hook) {
    m_scale->setFolderProgressHook(std::move(hook));
}

QImage ExplainPage::paneImage(int pane) const {
    if (!m_rendered || pane < 0 || pane >= int(m_rendered->overlays.size())) return {};
    return toQImage(m_rendered->overlays[size_t(pane)]);
}

void ExplainPage::setModelA(const QString& spec) {
    if (spec == m_modelA) return;
    m_modelA = spec;
    m_bar->showModelA(ExplainText::modelName(spec), spec);
    schedule();
}

void ExplainPage::setModelB(const QString& spec) {
    if (spec == m_modelB) return;
    m_modelB = spec;
    m_bar->showModelB(ExplainText::modelName(spec), spec);
    if (m_bar->mode()->currentIndex() == ExplainToolbar::TwoModels) schedule();
}

void ExplainPage::setPhoto(const QString& path) {
    // A region is drawn on one photo: it says nothing about another.
    if (path != m_photo && !m_region.isEmpty()) setRegion(QRectF());
    m_photo = path;
    m_bar->showPhoto(path);
    schedule();
}

void ExplainPage::setMode(Mode mode) {
    m_bar->mode()->setCurrentIndex(mode == Mode::TwoModels ? ExplainToolbar::TwoModels : ExplainToolbar::A1VsDifference);
}

void ExplainPage::setMethod(Method method) { m_bar->method()->setCurrentIndex(int(method)); }

void ExplainPage::setQuery(const QString& photoPathOrText) {
    m_bar->setQuery(photoPathOrText);
    if (m_bar->queryMethod()) schedule();
}

void ExplainPage::setLayer(int layer) { m_bar->layer()->setValue(layer); }

void ExplainPage::setHead(int head) {
    const int i = m_bar->head()->findData(head);
    if (i >= 0) m_bar->head()->setCurrentIndex(i);
}

void ExplainPage::setOpacity(double opacity) { m_bar->opacity()->setValue(int(std::lround(opacity * 100))); }

void ExplainPage::explainMatch(const QString& queryPath, const QString& hitPath) {
    m_updatingControls = true;
    m_bar->setQuery(queryPath);
    setMode(Mode::TwoModels);
    setMethod(Method::Similarity);
    m_updatingControls = false;
    updateControls();
    setPhoto(hitPath);
}

void ExplainPage::schedule() {
    if (m_updatingControls) return;
    m_runner->cancel();
    m_debounce->start();
}

void ExplainPage::updateControls() {
    m_bar->updateChoices();
    const bool has = hasResult();
    m_exportPng->setEnabled(has);
    m_exportPdf->setEnabled(has);
    m_clearRegion->setEnabled(!m_region.isEmpty());
}

// Settings that cannot give a map, said in words (empty when they can). The choosers do not
// offer these; they remain reachable through the API or by clearing the query.
QString ExplainPage::whyNotPossible() const {
    if (!m_bar->queryMethod()) return {};
    const QString method = m_bar->method()->currentText();
    if (m_bar->mode()->currentIndex() == ExplainToolbar::A1VsDifference)
        return tr("“%1” needs the comparison “Model A vs model B”: “A1 vs %2” compares attention maps.")
            .arg(method, ExplainText::formula());
    if (m_bar->query().isEmpty())
        return tr("“%1” needs a query: type words in the query box or choose a query photo.").arg(method);
    return {};
}

void ExplainPage::start() {
    if (m_photo.isEmpty() || m_modelA.isEmpty() || !m_session) return;
    if (const QString why = whyNotPossible(); !why.isEmpty()) {
        // Nothing to compute: drop any answer still on its way and show no stale maps.
        m_runner->drop();
        clearResult();
        m_status->setText(why);
        return;
    }
    ex::ExplainRequest r;
    r.photoPath = m_photo.toStdString();
    r.modelA = m_modelA.toStdString();
    r.modelB = (m_modelB.isEmpty() ? m_modelA : m_modelB).toStdString();
    r.mode = m_bar->mode()->currentIndex() == ExplainToolbar::TwoModels ? ex::CompareMode::TwoModels
                                                                         : ex::CompareMode::A1VsDifference;
    r.method = ex::MapMethod(m_bar->method()->currentIndex());
    // A layer chosen for another model may not exist in this one: start from the last. The
    // similarity map uses the final tokens, so the layer does not apply to it.
    const bool sameModel = m_layerModel == m_modelA && m_bar->layer()->maximum() > 0;
    r.layer = sameModel && r.method != ex::MapMethod::Similarity ? m_bar->layer()->value() : -1;
    r.head = m_bar->head()->currentData().toInt();
    if (m_bar->queryMethod()) {
        const QString q = m_bar->query();
        r.query.kind = QFileInfo(q).isFile() ? ex::ExplainQuery::Kind::Photo : ex::ExplainQuery::Kind::Text;
        r.query.value = q.toStdString();
    }
    if (!m_region.isEmpty()) r.region = ex::RegionRect{m_region.left(), m_region.top(), m_region.right(), m_region.bottom()};
    ex::RenderOptions ro;
    ro.opacity = m_bar->opacity()->value() / 100.0;

    m_status->setText(tr("Explaining %1…").arg(QFileInfo(m_photo).fileName()));
    m_runner->run(r, ro);
}

void ExplainPage::finish(const ExplainAnswer& o) {
    if (!o.result || !o.rendered) {
        // No maps of other settings or another photo may stay on screen or go into an export.
        clearResult();
        const QString file = QFileInfo(o.file).fileName();
        if (o.fault == ExplainAnswer::Fault::Photo)
            m_error->showError(tr("The photo %1 could not be read").arg(file), ErrorText::photoReason(o.error.code),
                               ErrorText::details(o.error));
        else if (o.fault == ExplainAnswer::Fault::Query)
            m_error->showError(tr("The query photo %1 could not be read").arg(file),
                               ErrorText::photoReason(o.error.code), ErrorText::details(o.error));
        else
            m_error->showError(tr("The photo could not be explained"),
                               o.error.code == ErrorCode::InvalidArgument ? ErrorText::libraryReason(o.error.code)
                                                                          : ErrorText::modelOpenReason(o.error.code),
                               ErrorText::details(o.error));
        m_status->setText(tr("No map: see the message above."));
        Q_EMIT explained(false);
        return;
    }
    m_error->clear();
    m_result = o.result;
    m_rendered = o.rendered;
    m_renderedRange = {m_result->scale.low, m_result->scale.high};
    ++m_resultCount;
    // Layer slider and heads follow the models.
    m_updatingControls = true;
    int layers = m_result->panes.front().model.layers, heads = m_result->panes.front().model.heads;
    for (const auto& p : m_result->panes) {
        layers = std::min(layers, p.model.layers);
        heads = std::min(heads, p.model.heads);
    }
    layers = std::max(1, layers);
    QSlider* slider = m_bar->layer();
    slider->setRange(0, layers - 1);
    // The similarity map has no layer: the slider keeps the user's choice for the other methods.
    if (m_result->request.method != ex::MapMethod::Similarity) slider->setValue(ExplainText::shownLayer(*m_result));
    m_layerModel = QString::fromStdString(m_result->request.modelA);
    QComboBox* head = m_bar->head();
    if (head->count() != heads + 2) {
        const int current = head->currentData().toInt();
        while (head->count() > 2) head->removeItem(2);
        for (int h = 0; h < heads; ++h) head->addItem(tr("Head %1").arg(h), h);
        const int i = head->findData(current);
        head->setCurrentIndex(i >= 0 ? i : 0);
    }
    m_updatingControls = false;
    m_bar->updateLayerLabel();
    // The scale in use (a cached folder scale, or this comparison's while one is computed);
    // redraws when it differs from what the worker drew.
    m_scale->adopt(m_result);
    applyScale();
    showResult();
    updateControls();
    m_status->setText(tr("%1: %2 scale. Hover for values; shift-drag for a region.")
                          .arg(QFileInfo(resultPhoto()).fileName(),
                               m_result->scale.diverging ? tr("diverging") : tr("sequential")));
    Q_EMIT explained(true);
}

void ExplainPage::clearResult() {
    m_result.reset();
    m_rendered.reset();
    m_panes->clear();
    m_scale->adopt(nullptr);
    m_chartModels->show(nullptr, {});
    updateControls();
}

void ExplainPage::rerender() {
    if (!m_result) return;
    ex::RenderOptions ro;
    ro.opacity = m_bar->opacity()->value() / 100.0;
    auto rendered = ex::renderPanes(*m_result, ro);
    if (!rendered) {
        m_error->showError(tr("The maps could not be drawn"), ErrorText::libraryReason(rendered.error().code),
                           ErrorText::details(rendered.error()));
        return;
    }
    m_rendered = std::make_shared<ex::RenderedPanes>(std::move(*rendered));
    m_renderedRange = {m_result->scale.low, m_result->scale.high};
    showResult();
}

// Panes, titles, numbers and charts of the result, with the current region.
void ExplainPage::showResult() {
    m_chartModels->show(m_result.get(), m_region);
    if (!m_result || !m_rendered) return;
    m_panes->show(m_result, *m_rendered, m_region, [this](int pane) { return regionShare(pane); });
    m_panes->setColourBarToolTip(m_scale->text());
}

std::optional<double> ExplainPage::regionShare(int pane) const {
    if (!m_result) return std::nullopt;
    return m_chartModels->regionShare(pane);
}

std::optional<double> ExplainPage::valueAt(int pane, const QPointF& n) const { return m_panes->valueAt(pane, n); }

void ExplainPage::setRegion(const QRectF& normalised) {
    m_region = normalised.normalized().intersected(QRectF(0, 0, 1, 1));
    if (m_region.width() <= 0 || m_region.height() <= 0) m_region = QRectF();
    m_panes->setRegion(m_region);
    showResult();
    updateControls();
}

void ExplainPage::setScaleMode(ScaleMode mode) { m_bar->scaleMode()->setCurrentIndex(mode == ScaleMode::Folder ? 1 : 0); }

ExplainPage::ScaleMode ExplainPage::scaleMode() const {
    return m_bar->scaleMode()->currentIndex() == 1 ? ScaleMode::Folder : ScaleMode::Comparison;
}

std::optional<std::pair<double, double>> ExplainPage::colourBarRange() const {
    if (!m_rendered) return std::nullopt;
    return m_renderedRange;
}

int ExplainPage::scalePhotos() const { return m_result ? m_result->scalePhotos : 0; }
QString ExplainPage::scaleText() const { return m_scale->text(); }

QString ExplainPage::resultPhoto() const {
    return m_result ? QString::fromStdString(m_result->request.photoPath) : m_photo;
}

QRect ExplainPage::exportPaneRect(int pane) const {
    if (!hasResult() || pane < 0 || pane > 1) return {};
    return ExplainReport::figure(*m_result, *m_rendered, m_region).panes[pane + 1];
}

void ExplainPage::applyScale() {
    m_scale->apply();
    if (m_rendered && m_result && m_renderedRange != std::make_pair(m_result->scale.low, m_result->scale.high))
        rerender();
}

QString ExplainPage::askForPhoto(const QString& title) {
    const QString path = QFileDialog::getOpenFileName(this, title, AppSettings::photoFolder(),
                                                      tr("Photos (%1)").arg(photoFilePatterns()));
    if (!path.isEmpty()) AppSettings::rememberPhotoFolder(path);
    return path;
}

void ExplainPage::choosePhoto() {
    const QString path = askForPhoto(tr("Photo to explain"));
    if (!path.isEmpty()) setPhoto(path);
}

void ExplainPage::chooseModelB() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Model B"), QFileInfo(m_modelA).absolutePath(),
        tr("Models (*.safetensors *.pt *.pth config.json);;All files (*)"));
    if (path.isEmpty()) return;
    // A package is its folder (config.json + model.safetensors).
    setModelB(QFileInfo(path).fileName() == QLatin1String("config.json") ? QFileInfo(path).absolutePath() : path);
}

void ExplainPage::chooseQueryPhoto() {
    const QString path = askForPhoto(tr("Query photo"));
    if (!path.isEmpty()) setQuery(path);
}

ExplainReportInputs ExplainPage::reportInputs() const {
    ExplainReportInputs in;
    in.result = m_result.get();
    in.rendered = m_rendered.get();
    in.region = m_region;
    in.opacity = m_bar->opacity()->value() / 100.0;
    for (int i = 0; i < 2; ++i) in.numbers[i] = m_panes->numbers(i);
    const QList<QImage> charts = m_charts->images();
    for (int i = 0; i < 3 && i < charts.size(); ++i) in.charts[i] = charts[i];
    return in;
}

bool ExplainPage::exportPng(const QString& path) {
    return exportWith(
        path, [&] { return ExplainReport::writePng(path, ExplainReport::figure(*m_result, *m_rendered, m_region)); },
        tr("The PNG could not be written"), tr("Saved the comparison as %1"));
}

bool ExplainPage::exportPdf(const QString& path) {
    return exportWith(path, [&] { return ExplainReport::writePdf(path, reportInputs()); },
                      tr("The PDF could not be written"), tr("Saved the report as %1"));
}

bool ExplainPage::exportWith(const QString& path, const std::function<bool()>& write, const QString& failed,
                             const QString& saved) {
    if (!hasResult()) {
        m_error->showError(tr("Nothing to export"), tr("Explain a photo first."), {});
        return false;
    }
    if (!write()) {
        m_error->showError(failed, tr("Check that the folder exists and that you may write to it."), path);
        return false;
    }
    m_error->clear();
    m_status->setText(saved.arg(QDir::toNativeSeparators(QFileInfo(path).absoluteFilePath())));
    return true;
}

QImage ExplainPage::reportPreview(int width) const {
    if (!hasResult()) return {};
    return ExplainReport::preview(width, reportInputs());
}

void ExplainPage::exportPngAs() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export comparison as PNG"), QFileInfo(resultPhoto()).completeBaseName() + QStringLiteral("-explain.png"),
        tr("PNG images (*.png)"));
    if (!path.isEmpty()) exportPng(path);
}

void ExplainPage::exportPdfAs() {
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export PDF report"), QFileInfo(resultPhoto()).completeBaseName() + QStringLiteral("-explain.pdf"),
        tr("PDF documents (*.pdf)"));
    if (!path.isEmpty()) exportPdf(path);
}

void ExplainPage::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void ExplainPage::dropEvent(QDropEvent* event) {
    for (const QUrl& url : event->mimeData()->urls()) {
        if (!url.isLocalFile()) continue;
        setPhoto(url.toLocalFile());
        event->acceptProposedAction();
        return;
    }
}

}  // namespace diffclip::ui
