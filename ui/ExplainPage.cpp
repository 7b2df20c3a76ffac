#include "ExplainPage.h"

// qcustomplot.h uses Qt's lower-case keywords, which this library turns off (QT_NO_KEYWORDS).
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QLocale>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGraphicsPixmapItem>
#include <QGraphicsRectItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPainter>
#include <QPdfWriter>
#include <QProgressBar>
#include <QPromise>
#include <QPushButton>
#include <QScrollBar>
#include <QSlider>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>
#include <functional>

#include "ErrorBanner.h"
#include "ErrorText.h"
#include "PhotoFormats.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

namespace {

QImage toQImage(const RgbImage8& img) {
    if (img.width <= 0 || img.height <= 0 || img.pixels.size() < size_t(img.width) * size_t(img.height) * 3)
        return {};
    return QImage(img.pixels.data(), img.width, img.height, img.width * 3, QImage::Format_RGB888).copy();
}

QString fromStd(const std::string& s) { return QString::fromStdString(s); }

// "diffclip-tiny-a/model.safetensors" rather than a bare "model.safetensors".
QString shortModelName(const QString& spec) {
    const QFileInfo info(spec);
    const QString name = info.fileName();
    if (name == QLatin1String("model.safetensors") || name.startsWith(QLatin1String("checkpoint")))
        return info.dir().dirName() + QLatin1Char('/') + name;
    return name.isEmpty() ? spec : name;
}

const QColor kPaneColours[2] = {QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28)};

// The photos a folder scale spans: the files with a photo extension directly in the current
// photo's folder (not its subfolders), sorted by name, the current photo always among them.
QStringList photosBeside(const QString& photo) {
    const QFileInfo info(photo);
    const QDir dir = info.absoluteDir();
    QStringList out;
    for (const QString& name : dir.entryList(photoNameFilters(), QDir::Files | QDir::Readable, QDir::Name))
        out << dir.absoluteFilePath(name);
    if (!out.contains(info.absoluteFilePath())) out << info.absoluteFilePath();
    return out;
}

}  // namespace

// A pane: the overlay in a QGraphicsView with wheel zoom, drag to pan, shift-drag to draw a
// region, and the scene position under the cursor reported to the page.
class ExplainView : public QGraphicsView {
public:
    explicit ExplainView(QWidget* parent) : QGraphicsView(parent) {
        setScene(new QGraphicsScene(this));
        m_pixmap = scene()->addPixmap(QPixmap());
        m_pixmap->setTransformationMode(Qt::SmoothTransformation);
        m_region = scene()->addRect(QRectF(), QPen(Qt::white, 0, Qt::DashLine), QBrush(QColor(255, 255, 255, 40)));
        m_region->setZValue(2);
        m_region->setVisible(false);
        m_outline = scene()->addRect(QRectF(), QPen(Qt::black, 0));
        m_outline->setZValue(3);
        m_outline->setVisible(false);
        setDragMode(QGraphicsView::ScrollHandDrag);
        setMouseTracking(true);
        setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
        setRenderHint(QPainter::SmoothPixmapTransform);
        setMinimumSize(200, 200);
        setFocusPolicy(Qt::StrongFocus);
        setBackgroundBrush(palette().window());
    }

    void setImage(const QImage& image) {
        const bool first = m_pixmap->pixmap().isNull();
        m_pixmap->setPixmap(QPixmap::fromImage(image));
        scene()->setSceneRect(QRectF(QPointF(0, 0), QSizeF(image.size())));
        if (first) fitAll();
    }
    QSizeF imageSize() const { return m_pixmap->pixmap().size(); }

    void setRegionRect(const QRectF& sceneRect) {
        m_region->setRect(sceneRect);
        m_outline->setRect(sceneRect.adjusted(-1, -1, 1, 1));
        m_region->setVisible(!sceneRect.isEmpty());
        m_outline->setVisible(!sceneRect.isEmpty());
    }

    void fitAll() {
        if (!m_pixmap->pixmap().isNull()) fitInView(m_pixmap, Qt::KeepAspectRatio);
        if (onViewChanged) onViewChanged();
    }

    std::function<void(const QPointF&)> onHover;
    std::function<void(const QRectF&)> onRegion;
    std::function<void()> onViewChanged;

protected:
    void wheelEvent(QWheelEvent* e) override {
        const double f = std::pow(1.0015, e->angleDelta().y());
        scale(f, f);
        if (onViewChanged) onViewChanged();
        e->accept();
    }
    void keyPressEvent(QKeyEvent* e) override {
        if (e->key() == Qt::Key_Plus || e->key() == Qt::Key_Equal) {
            scale(1.25, 1.25);
        } else if (e->key() == Qt::Key_Minus) {
            scale(0.8, 0.8);
        } else if (e->key() == Qt::Key_0) {
            fitAll();
            return;
        } else {
            QGraphicsView::keyPressEvent(e);
            return;
        }
        if (onViewChanged) onViewChanged();
    }
    void resizeEvent(QResizeEvent* e) override {
        QGraphicsView::resizeEvent(e);
        fitAll();
    }
    void mousePressEvent(QMouseEvent* e) override {
        if (e->button() == Qt::LeftButton && (e->modifiers() & Qt::ShiftModifier)) {
            m_drawing = true;
            m_start = mapToScene(e->position().toPoint());
            setRegionRect(QRectF(m_start, m_start));
            e->accept();
            return;
        }
        QGraphicsView::mousePressEvent(e);
    }
    void mouseMoveEvent(QMouseEvent* e) override {
        const QPointF p = mapToScene(e->position().toPoint());
        if (m_drawing) {
            setRegionRect(QRectF(m_start, p).normalized());
            e->accept();
        } else {
            QGraphicsView::mouseMoveEvent(e);
        }
        if (onHover) onHover(p);
    }
    void mouseReleaseEvent(QMouseEvent* e) override {
        if (m_drawing && e->button() == Qt::LeftButton) {
            m_drawing = false;
            const QRectF r = QRectF(m_start, mapToScene(e->position().toPoint())).normalized();
            if (onRegion) onRegion(r);
            e->accept();
            return;
        }
        QGraphicsView::mouseReleaseEvent(e);
    }
    void scrollContentsBy(int dx, int dy) override {
        QGraphicsView::scrollContentsBy(dx, dy);
        if (onViewChanged) onViewChanged();
    }

private:
    QGraphicsPixmapItem* m_pixmap = nullptr;
    QGraphicsRectItem* m_region = nullptr;
    QGraphicsRectItem* m_outline = nullptr;
    bool m_drawing = false;
    QPointF m_start;
};

ExplainPage::ExplainPage(QWidget* parent) : QWidget(parent) {
    setAcceptDrops(true);
    setAccessibleName(tr("Explain"));

    m_error = new ErrorBanner(this);

    // Row 1: photo, mode, models.
    m_photoButton = new QPushButton(tr("&Photo…"), this);
    m_photoButton->setAccessibleName(tr("Choose photo"));
    m_photoButton->setToolTip(tr("Choose the photo to explain (or drop one on this page)"));
    m_photoLabel = new QLabel(tr("No photo: choose one or drop it here"), this);
    m_photoLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Model A vs model B"));
    m_mode->addItem(tr("A1 vs A1 − λA2 (one DiffCLIP model)"));
    m_mode->setAccessibleName(tr("Comparison"));
    auto* modeLabel = new QLabel(tr("&Compare:"), this);
    modeLabel->setBuddy(m_mode);
    m_modelALabel = new QLabel(tr("Model A: none"), this);
    m_modelALabel->setAccessibleName(tr("Model A"));
    m_modelBButton = new QPushButton(tr("Model &B…"), this);
    m_modelBButton->setAccessibleName(tr("Choose model B"));
    m_modelBLabel = new QLabel(tr("Model B: same as A"), this);
    m_modelBLabel->setAccessibleName(tr("Model B"));

    // Row 2: method, query, layer, head, opacity.
    m_method = new QComboBox(this);
    m_method->addItem(tr("Attention"));
    m_method->addItem(tr("Rollout"));
    m_method->addItem(tr("Similarity to query"));
    m_method->addItem(tr("Gradient × input"));
    m_method->setAccessibleName(tr("Method"));
    auto* methodLabel = new QLabel(tr("&Method:"), this);
    methodLabel->setBuddy(m_method);
    m_query = new QLineEdit(this);
    m_query->setPlaceholderText(tr("Query text or photo (similarity, gradient)"));
    m_query->setAccessibleName(tr("Query"));
    m_query->setClearButtonEnabled(true);
    m_queryButton = new QPushButton(tr("&Query photo…"), this);
    m_queryButton->setAccessibleName(tr("Choose query photo"));
    m_layer = new QSlider(Qt::Horizontal, this);
    m_layer->setRange(0, 0);
    m_layer->setAccessibleName(tr("Layer"));
    m_layer->setPageStep(1);
    m_layer->setTickPosition(QSlider::TicksBelow);
    m_layer->setMinimumWidth(120);
    m_layerLabel = new QLabel(tr("&Layer: last"), this);
    m_layerLabel->setBuddy(m_layer);
    m_layerLabel->setMinimumWidth(m_layerLabel->fontMetrics().horizontalAdvance(tr("Layer: 00 / 00")));
    m_head = new QComboBox(this);
    m_head->setAccessibleName(tr("Head"));
    m_head->addItem(tr("Mean of heads"), -1);
    m_head->addItem(tr("Max of heads"), -2);
    auto* headLabel = new QLabel(tr("&Head:"), this);
    headLabel->setBuddy(m_head);
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(55);
    m_opacity->setAccessibleName(tr("Map opacity"));
    m_opacity->setMaximumWidth(120);
    auto* opacityLabel = new QLabel(tr("&Opacity:"), this);
    opacityLabel->setBuddy(m_opacity);

    m_clearRegion = new QPushButton(tr("Clear &region"), this);
    m_clearRegion->setAccessibleName(tr("Clear region of interest"));
    m_clearRegion->setToolTip(tr("Shift-drag on a pane to draw a region of interest"));
    m_exportPng = new QPushButton(tr("Export P&NG…"), this);
    m_exportPng->setAccessibleName(tr("Export PNG"));
    m_exportPdf = new QPushButton(tr("Export PDF &report…"), this);
    m_exportPdf->setAccessibleName(tr("Export PDF report"));

    // Colour scale: this comparison or the whole folder.
    m_scaleMode = new QComboBox(this);
    m_scaleMode->addItem(tr("This comparison"));
    m_scaleMode->addItem(tr("Whole folder"));
    m_scaleMode->setAccessibleName(tr("Colour scale"));
    m_scaleMode->setToolTip(tr("One colour scale for both panes, or for both panes of every photo in this "
                               "photo's folder (same models and settings)"));
    auto* scaleModeLabel = new QLabel(tr("&Scale:"), this);
    scaleModeLabel->setBuddy(m_scaleMode);
    m_scaleLabel = new QLabel(this);
    m_scaleLabel->setAccessibleName(tr("Scale in use"));
    m_scaleLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_folderProgress = new QProgressBar(this);
    m_folderProgress->setAccessibleName(tr("Folder scale progress"));
    m_folderProgress->setMaximumWidth(200);
    m_folderProgress->setFormat(tr("%v of %m photos"));
    m_folderProgress->setVisible(false);
    m_folderCancel = new QPushButton(tr("Cancel"), this);
    m_folderCancel->setAccessibleName(tr("Cancel the folder scale"));
    m_folderCancel->setVisible(false);

    auto* row1 = new QHBoxLayout;
    row1->addWidget(m_photoButton);
    row1->addWidget(m_photoLabel, 1);
    row1->addWidget(modeLabel);
    row1->addWidget(m_mode);
    row1->addWidget(m_modelALabel);
    row1->addWidget(m_modelBButton);
    row1->addWidget(m_modelBLabel);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(methodLabel);
    row2->addWidget(m_method);
    row2->addWidget(m_query, 1);
    row2->addWidget(m_queryButton);
    row2->addSpacing(8);
    row2->addWidget(m_layerLabel);
    row2->addWidget(m_layer);
    row2->addWidget(headLabel);
    row2->addWidget(m_head);
    row2->addWidget(opacityLabel);
    row2->addWidget(m_opacity);
    row2->addWidget(scaleModeLabel);
    row2->addWidget(m_scaleMode);

    // Panes and colour bar.
    auto* panes = new QGridLayout;
    for (int i = 0; i < 2; ++i) {
        m_titles[i] = new QLabel(this);
        m_titles[i]->setAlignment(Qt::AlignCenter);
        QFont f = m_titles[i]->font();
        f.setBold(true);
        m_titles[i]->setFont(f);
        m_views[i] = new ExplainView(this);
        m_views[i]->setAccessibleName(i == 0 ? tr("Left map") : tr("Right map"));
        m_views[i]->setToolTip(tr("Wheel or +/− to zoom, drag to pan, 0 to fit, shift-drag to draw a region"));
        m_numbers[i] = new QLabel(this);
        m_numbers[i]->setWordWrap(true);
        m_numbers[i]->setMinimumHeight(2 * m_numbers[i]->fontMetrics().lineSpacing() + 4);
        m_numbers[i]->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        m_numbers[i]->setTextInteractionFlags(Qt::TextSelectableByMouse);
        m_numbers[i]->setAccessibleName(i == 0 ? tr("Left map numbers") : tr("Right map numbers"));
        panes->addWidget(m_titles[i], 0, i);
        panes->addWidget(m_views[i], 1, i);
        panes->addWidget(m_numbers[i], 2, i);
        panes->setColumnStretch(i, 1);
    }
    m_colourBar = new QLabel(this);
    m_colourBar->setAccessibleName(tr("Colour bar"));
    m_colourBar->setAlignment(Qt::AlignCenter);
    m_colourBar->setMinimumWidth(60);
    panes->addWidget(m_colourBar, 1, 2);
    panes->setRowStretch(1, 1);
    auto* scaleRow = new QHBoxLayout;
    scaleRow->addWidget(m_scaleLabel, 1);
    scaleRow->addWidget(m_folderProgress);
    scaleRow->addWidget(m_folderCancel);

    // Charts.
    auto makePlot = [this](const QString& name, const QString& title, const QString& yLabel) {
        auto* p = new QCustomPlot(this);
        p->setAccessibleName(name);
        p->setMinimumHeight(170);
        p->plotLayout()->insertRow(0);
        auto* t = new QCPTextElement(p, title, QFont(font().family(), font().pointSize(), QFont::Bold));
        p->plotLayout()->addElement(0, 0, t);
        p->yAxis->setLabel(yLabel);
        p->setBackground(palette().base());
        for (QCPAxis* a : {p->xAxis, p->yAxis}) {
            a->setBasePen(QPen(palette().text().color()));
            a->setTickPen(QPen(palette().text().color()));
            a->setSubTickPen(QPen(palette().text().color()));
            a->setTickLabelColor(palette().text().color());
            a->setLabelColor(palette().text().color());
        }
        t->setTextColor(palette().text().color());
        return p;
    };
    m_lambdaPlot = makePlot(tr("Lambda per layer"), tr("λ per layer"), tr("λ"));
    m_lambdaPlot->xAxis->setLabel(tr("layer"));
    m_entropyPlot = makePlot(tr("Entropy per layer"), tr("Entropy per layer"), tr("nats"));
    m_entropyPlot->xAxis->setLabel(tr("layer"));
    m_entropyPlot->legend->setVisible(true);
    m_entropyPlot->legend->setFont(QFont(font().family(), std::max(7, font().pointSize() - 2)));
    // The legend in its own row under the title, so it never hides a curve.
    m_entropyPlot->axisRect()->insetLayout()->take(m_entropyPlot->legend);
    m_entropyPlot->plotLayout()->insertRow(1);
    m_entropyPlot->plotLayout()->addElement(1, 0, m_entropyPlot->legend);
    m_entropyPlot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_entropyPlot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_entropyPlot->legend->setBrush(Qt::NoBrush);
    m_entropyPlot->legend->setBorderPen(Qt::NoPen);
    m_entropyPlot->legend->setTextColor(palette().text().color());
    m_entropyPlot->legend->setMargins(QMargins(2, 0, 2, 0));
    m_regionPlot = makePlot(tr("Region share"), tr("Region share"), tr("share of |map|"));
    auto* charts = new QHBoxLayout;
    charts->addWidget(m_lambdaPlot, 1);
    charts->addWidget(m_entropyPlot, 1);
    charts->addWidget(m_regionPlot, 1);

    m_status = new QLabel(this);
    m_status->setAccessibleName(tr("Status"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(m_status, 1);
    bottom->addWidget(m_clearRegion);
    bottom->addWidget(m_exportPng);
    bottom->addWidget(m_exportPdf);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_error);
    layout->addLayout(row1);
    layout->addLayout(row2);
    layout->addLayout(panes, 3);
    layout->addLayout(scaleRow);
    layout->addLayout(charts, 1);
    layout->addLayout(bottom);

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(60);
    connect(m_debounce, &QTimer::timeout, this, &ExplainPage::start);

    connect(m_photoButton, &QPushButton::clicked, this, &ExplainPage::choosePhoto);
    connect(m_modelBButton, &QPushButton::clicked, this, &ExplainPage::chooseModelB);
    connect(m_queryButton, &QPushButton::clicked, this, &ExplainPage::chooseQueryPhoto);
    connect(m_exportPng, &QPushButton::clicked, this, &ExplainPage::exportPngAs);
    connect(m_exportPdf, &QPushButton::clicked, this, &ExplainPage::exportPdfAs);
    connect(m_clearRegion, &QPushButton::clicked, this, [this] { setRegion(QRectF()); });
    connect(m_mode, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        updateControls();
        schedule();
    });
    connect(m_method, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        updateControls();
        schedule();
    });
    connect(m_head, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        if (!m_updatingControls) schedule();
    });
    connect(m_query, &QLineEdit::editingFinished, this, [this] {
        if (m_method->currentIndex() >= 2) schedule();
    });
    connect(m_layer, &QSlider::valueChanged, this, [this](int v) {
        m_layerLabel->setText(tr("&Layer: %1 / %2").arg(v).arg(m_layer->maximum()));
        if (!m_updatingControls) schedule();
    });
    connect(m_opacity, &QSlider::valueChanged, this, [this] { rerender(); });
    connect(m_scaleMode, qOverload<int>(&QComboBox::currentIndexChanged), this, [this] {
        m_folderProblem.clear();
        if (m_scaleMode->currentIndex() == 0 && m_folderCancelFlag) m_folderCancelFlag->store(true);
        applyScale();
    });
    connect(m_folderCancel, &QPushButton::clicked, this, [this] {
        if (m_folderCancelFlag) m_folderCancelFlag->store(true);
        // Cancelling gives the choice back visibly: the panes keep the comparison's scale.
        m_scaleMode->setCurrentIndex(0);
    });

    // Linked zoom and pan.
    for (int i = 0; i < 2; ++i) {
        ExplainView* self = m_views[i];
        ExplainView* other = m_views[1 - i];
        self->onViewChanged = [self, other] {
            static bool syncing = false;
            if (syncing) return;
            syncing = true;
            other->setTransform(self->transform());
            other->horizontalScrollBar()->setValue(self->horizontalScrollBar()->value());
            other->verticalScrollBar()->setValue(self->verticalScrollBar()->value());
            syncing = false;
        };
        self->onHover = [this, i](const QPointF& p) { showValue(i, p); };
        self->onRegion = [this](const QRectF& r) { regionDrawn(r); };
    }

    auto opened = ex::ExplainSession::open();
    if (opened) m_session = std::shared_ptr<ex::ExplainSession>(std::move(*opened));
    else
        showError(tr("The explain engine could not start"), ErrorText::libraryReason(opened.error().code),
                  ErrorText::details(opened.error()));
    updateControls();
    updateCharts();
    updateScaleLabel();
}

ExplainPage::~ExplainPage() {
    if (m_cancel) m_cancel->store(true);
    if (m_folderCancelFlag) m_folderCancelFlag->store(true);
}

QGraphicsView* ExplainPage::paneView(int pane) const { return pane >= 0 && pane < 2 ? m_views[pane] : nullptr; }
bool ExplainPage::hasResult() const { return m_result && m_rendered; }
int ExplainPage::layer() const { return m_layer->value(); }
QString ExplainPage::statusText() const { return m_status->text(); }

QImage ExplainPage::paneImage(int pane) const {
    if (!m_rendered || pane < 0 || pane >= int(m_rendered->overlays.size())) return {};
    return toQImage(m_rendered->overlays[size_t(pane)]);
}

void ExplainPage::setModelA(const QString& spec) {
    if (spec == m_modelA) return;
    m_modelA = spec;
    m_modelALabel->setText(tr("Model A: %1").arg(spec.isEmpty() ? tr("none") : shortModelName(spec)));
    m_modelALabel->setToolTip(spec);
    schedule();
}

void ExplainPage::setModelB(const QString& spec) {
    if (spec == m_modelB) return;
    m_modelB = spec;
    m_modelBLabel->setText(spec.isEmpty() ? tr("Model B: same as A") : tr("Model B: %1").arg(shortModelName(spec)));
    m_modelBLabel->setToolTip(spec);
    if (m_mode->currentIndex() == 0) schedule();
}

void ExplainPage::setPhoto(const QString& path) {
    m_photo = path;
    m_photoLabel->setText(QFileInfo(path).fileName());
    m_photoLabel->setToolTip(path);
    schedule();
}

void ExplainPage::setMode(Mode mode) { m_mode->setCurrentIndex(mode == Mode::TwoModels ? 0 : 1); }
void ExplainPage::setMethod(Method method) { m_method->setCurrentIndex(int(method)); }

void ExplainPage::setQuery(const QString& photoPathOrText) {
    m_query->setText(photoPathOrText);
    if (m_method->currentIndex() >= 2) schedule();
}

void ExplainPage::setLayer(int layer) { m_layer->setValue(layer); }

void ExplainPage::setHead(int head) {
    const int i = m_head->findData(head);
    if (i >= 0) m_head->setCurrentIndex(i);
}

void ExplainPage::setOpacity(double opacity) { m_opacity->setValue(int(std::lround(opacity * 100))); }

void ExplainPage::explainMatch(const QString& queryPath, const QString& hitPath) {
    m_updatingControls = true;
    setMode(Mode::TwoModels);
    setMethod(Method::Similarity);
    m_query->setText(queryPath);
    m_updatingControls = false;
    updateControls();
    setPhoto(hitPath);
}

void ExplainPage::schedule() {
    if (m_updatingControls) return;
    if (m_cancel) m_cancel->store(true);
    m_debounce->start();
}

void ExplainPage::updateControls() {
    const bool needsQuery = m_method->currentIndex() >= 2;
    m_query->setEnabled(needsQuery);
    m_queryButton->setEnabled(needsQuery);
    m_head->setEnabled(!needsQuery);
    const bool twoModels = m_mode->currentIndex() == 0;
    m_modelBButton->setEnabled(twoModels);
    m_modelBLabel->setEnabled(twoModels);
    const bool has = hasResult();
    m_exportPng->setEnabled(has);
    m_exportPdf->setEnabled(has);
    m_clearRegion->setEnabled(!m_region.isEmpty());
}

void ExplainPage::start() {
    if (m_photo.isEmpty() || m_modelA.isEmpty() || !m_session) return;
    ex::ExplainRequest r;
    r.photoPath = m_photo.toStdString();
    r.modelA = m_modelA.toStdString();
    r.modelB = (m_modelB.isEmpty() ? m_modelA : m_modelB).toStdString();
    r.mode = m_mode->currentIndex() == 0 ? ex::CompareMode::TwoModels : ex::CompareMode::A1VsDifference;
    r.method = ex::MapMethod(m_method->currentIndex());
    r.layer = m_layer->maximum() > 0 || m_result ? m_layer->value() : -1;
    r.head = m_head->currentData().toInt();
    const QString q = m_query->text().trimmed();
    if (r.method == ex::MapMethod::Similarity || r.method == ex::MapMethod::Gradient) {
        if (!q.isEmpty()) {
            r.query.kind = QFileInfo(q).isFile() ? ex::ExplainQuery::Kind::Photo : ex::ExplainQuery::Kind::Text;
            r.query.value = q.toStdString();
        }
    }
    if (!m_region.isEmpty()) r.region = ex::RegionRect{m_region.left(), m_region.top(), m_region.right(), m_region.bottom()};
    // A layer chosen for another model may not exist in this one: start from the last.
    if (m_result && m_result->request.modelA != r.modelA) r.layer = -1;

    ex::RenderOptions ro;
    ro.opacity = m_opacity->value() / 100.0;
    if (!m_region.isEmpty()) ro.region = r.region;
    const QRectF regionUsed = m_region;

    if (m_cancel) m_cancel->store(true);
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    const int generation = ++m_generation;
    m_running = true;
    m_status->setText(tr("Explaining %1…").arg(QFileInfo(m_photo).fileName()));
    auto session = m_session;
    auto cancel = m_cancel;
    struct Outcome {
        std::shared_ptr<ex::ExplainResult> result;
        std::shared_ptr<ex::RenderedPanes> rendered;
        diffclip::Error error;
        bool ok = false;
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation, regionUsed] {
        const Outcome o = watcher->result();
        watcher->deleteLater();
        if (o.ok && generation == m_generation) m_renderedRegion = regionUsed;
        if (o.ok) finish(generation, o.result, o.rendered, {}, 0, {});
        else finish(generation, nullptr, nullptr, tr("The photo could not be explained"), int(o.error.code),
                    QString::fromStdString(o.error.message));
    });
    watcher->setFuture(QtConcurrent::run([session, cancel, r, ro]() -> Outcome {
        Outcome o;
        auto res = session->explain(r, cancel.get());
        if (!res) {
            o.error = res.error();
            return o;
        }
        auto rendered = ex::renderPanes(*res, ro);
        if (!rendered) {
            o.error = rendered.error();
            return o;
        }
        o.result = std::make_shared<ex::ExplainResult>(std::move(*res));
        o.rendered = std::make_shared<ex::RenderedPanes>(std::move(*rendered));
        o.ok = true;
        return o;
    }));
}

void ExplainPage::finish(int generation, std::shared_ptr<ex::ExplainResult> result,
                         std::shared_ptr<ex::RenderedPanes> rendered, const QString& errorTitle, int errorCode,
                         const QString& errorDetail) {
    if (generation != m_generation) return;  // superseded
    m_running = false;
    if (!result) {
        if (ErrorCode(errorCode) == ErrorCode::Cancelled) return;
        Error e{ErrorCode(errorCode), errorDetail.toStdString()};
        showError(errorTitle, ErrorText::libraryReason(e.code), ErrorText::details(e));
        m_status->setText(tr("No map: see the message above."));
        updateControls();
        Q_EMIT explained(false);
        return;
    }
    m_error->clear();
    m_result = std::move(result);
    m_rendered = std::move(rendered);
    m_ownLow = m_result->scale.low;
    m_ownHigh = m_result->scale.high;
    m_ownDiverging = m_result->scale.diverging;
    m_renderedRange = {m_ownLow, m_ownHigh};
    ++m_resultCount;
    // Layer slider and heads follow the model.
    m_updatingControls = true;
    const auto& pane = m_result->panes.front();
    int layers = pane.model.layers;
    for (const auto& p : m_result->panes) layers = std::min(layers, p.model.layers);
    layers = std::max(1, layers);
    m_layer->setRange(0, layers - 1);
    const int shown = m_result->request.layer < 0 ? layers - 1 : m_result->request.layer;
    m_layer->setValue(shown);
    m_layerLabel->setText(tr("&Layer: %1 / %2").arg(shown).arg(layers - 1));
    int heads = pane.model.heads;
    for (const auto& p : m_result->panes) heads = std::min(heads, p.model.heads);
    if (m_head->count() != heads + 2) {
        const int current = m_head->currentData().toInt();
        while (m_head->count() > 2) m_head->removeItem(2);
        for (int h = 0; h < heads; ++h) m_head->addItem(tr("Head %1").arg(h), h);
        const int i = m_head->findData(current);
        m_head->setCurrentIndex(i >= 0 ? i : 0);
    }
    m_updatingControls = false;
    m_folderProblem.clear();
    // The scale in use (a cached folder scale, or this comparison's while one is computed);
    // redraws when it or the region differs from what the worker drew.
    applyScale();
    showPanes();
    updateNumbers();
    updateCharts();
    updateControls();
    m_status->setText(tr("%1: %2 scale. Hover for values; shift-drag for a region.")
                          .arg(QFileInfo(m_photo).fileName(),
                               m_result->scale.diverging ? tr("diverging") : tr("sequential")));
    Q_EMIT explained(true);
}

void ExplainPage::rerender() {
    if (!m_result) return;
    ex::RenderOptions ro;
    ro.opacity = m_opacity->value() / 100.0;
    if (!m_region.isEmpty()) ro.region = ex::RegionRect{m_region.left(), m_region.top(), m_region.right(), m_region.bottom()};
    auto rendered = ex::renderPanes(*m_result, ro);
    if (!rendered) {
        showError(tr("The maps could not be drawn"), ErrorText::libraryReason(rendered.error().code),
                  ErrorText::details(rendered.error()));
        return;
    }
    m_rendered = std::make_shared<ex::RenderedPanes>(std::move(*rendered));
    m_renderedRange = {m_result->scale.low, m_result->scale.high};
    m_renderedRegion = m_region;
    showPanes();
}

void ExplainPage::showPanes() {
    if (!m_result || !m_rendered) return;
    for (int i = 0; i < 2 && i < int(m_rendered->overlays.size()); ++i) {
        const auto& p = m_result->panes[size_t(i)];
        const QImage img = toQImage(m_rendered->overlays[size_t(i)]);
        m_views[i]->setImage(img);
        QString title = fromStd(p.title);
        if (m_result->request.mode == ex::CompareMode::TwoModels)
            title = (i == 0 ? tr("A · %1: %2") : tr("B · %1: %2")).arg(fromStd(p.model.label), title);
        title.replace(QStringLiteral("lambda"), QStringLiteral("λ"));
        m_titles[i]->setText(title);
        m_titles[i]->setToolTip(fromStd(p.model.spec));
        QRectF sceneRegion;
        if (!m_region.isEmpty())
            sceneRegion = QRectF(m_region.left() * img.width(), m_region.top() * img.height(),
                                 m_region.width() * img.width(), m_region.height() * img.height());
        m_views[i]->setRegionRect(sceneRegion);
    }
    QImage bar = toQImage(m_rendered->colourBar);
    const int h = std::max(100, m_views[0]->viewport()->height());
    if (!bar.isNull() && bar.height() > h) bar = bar.scaledToHeight(h, Qt::SmoothTransformation);
    m_colourBar->setPixmap(QPixmap::fromImage(bar));
    m_colourBar->setToolTip(scaleText());
}

std::optional<double> ExplainPage::regionShare(int pane) const {
    if (!m_result || m_region.isEmpty() || pane < 0 || pane >= int(m_result->panes.size())) return std::nullopt;
    auto s = ex::summariseRegion(m_result->panes[size_t(pane)].map,
                                 ex::RegionRect{m_region.left(), m_region.top(), m_region.right(), m_region.bottom()});
    if (!s || !s->regionShare) return std::nullopt;
    return *s->regionShare;
}

std::optional<double> ExplainPage::valueAt(int pane, const QPointF& n) const {
    if (!m_result || pane < 0 || pane >= int(m_result->panes.size())) return std::nullopt;
    const auto& map = m_result->panes[size_t(pane)].map;
    if (map.empty() || n.x() < 0 || n.y() < 0 || n.x() >= 1 || n.y() >= 1) return std::nullopt;
    const int r = std::clamp(int(n.y() * map.rows), 0, map.rows - 1);
    const int c = std::clamp(int(n.x() * map.cols), 0, map.cols - 1);
    return map.values[size_t(r) * size_t(map.cols) + size_t(c)];
}

void ExplainPage::showValue(int pane, const QPointF& scenePos) {
    const QSizeF size = m_views[pane]->imageSize();
    if (!m_result || size.isEmpty()) return;
    const QPointF n(scenePos.x() / size.width(), scenePos.y() / size.height());
    auto v = valueAt(pane, n);
    if (!v) return;
    const auto& map = m_result->panes[size_t(pane)].map;
    const int r = std::clamp(int(n.y() * map.rows), 0, map.rows - 1);
    const int c = std::clamp(int(n.x() * map.cols), 0, map.cols - 1);
    auto other = valueAt(1 - pane, n);
    QString text = tr("Patch (row %1, column %2): left %3, right %4")
                       .arg(r)
                       .arg(c)
                       .arg(pane == 0 ? *v : other.value_or(0), 0, 'g', 4)
                       .arg(pane == 1 ? *v : other.value_or(0), 0, 'g', 4);
    m_status->setText(text);
}

void ExplainPage::regionDrawn(const QRectF& sceneRect) {
    const QSizeF size = m_views[0]->imageSize();
    if (size.isEmpty() || sceneRect.width() < 2 || sceneRect.height() < 2) {
        setRegion(QRectF());
        return;
    }
    QRectF n(sceneRect.left() / size.width(), sceneRect.top() / size.height(), sceneRect.width() / size.width(),
             sceneRect.height() / size.height());
    setRegion(n.intersected(QRectF(0, 0, 1, 1)));
}

void ExplainPage::setRegion(const QRectF& normalised) {
    m_region = normalised.normalized().intersected(QRectF(0, 0, 1, 1));
    if (m_region.width() <= 0 || m_region.height() <= 0) m_region = QRectF();
    // The export figure outlines the region: draw it again.
    if (m_result && m_region != m_renderedRegion) rerender();
    showPanes();
    updateNumbers();
    updateCharts();
    updateControls();
}

void ExplainPage::updateNumbers() {
    for (int i = 0; i < 2; ++i) {
        if (!m_result || i >= int(m_result->panes.size())) {
            m_numbers[i]->clear();
            continue;
        }
        const auto& p = m_result->panes[size_t(i)];
        const auto& s = p.summary;
        QString text = tr("Entropy %1 nats (%2 of max) · top-10% share %3")
                           .arg(s.entropy, 0, 'f', 3)
                           .arg(s.normalisedEntropy, 0, 'f', 2)
                           .arg(s.top10Share, 0, 'f', 3);
        if (p.map.isSigned) text += tr(" · positive share %1").arg(s.positiveShare, 0, 'f', 3);
        if (auto r = regionShare(i)) text += tr(" · region share %1").arg(*r, 0, 'f', 3);
        if (p.hasTarget) text += tr(" · similarity %1").arg(p.similarity, 0, 'f', 3);
        m_numbers[i]->setText(text);
    }
}

void ExplainPage::updateCharts() {
    const QColor text = palette().text().color();
    // λ per layer.
    m_lambdaPlot->clearGraphs();
    m_lambdaPlot->clearItems();
    m_entropyPlot->clearGraphs();
    m_entropyPlot->clearItems();
    m_regionPlot->clearPlottables();
    m_regionPlot->clearItems();
    if (!m_result) {
        for (QCustomPlot* p : {m_lambdaPlot, m_entropyPlot, m_regionPlot}) p->replot();
        return;
    }
    const bool sameModel = m_result->request.mode == ex::CompareMode::A1VsDifference ||
                           m_result->panes[0].model.spec == m_result->panes[1].model.spec;
    auto paneName = [&](int i) {
        if (m_result->request.mode == ex::CompareMode::TwoModels) return i == 0 ? tr("A") : tr("B");
        return i == 0 ? tr("A1") : tr("A1 − λA2");
    };
    bool anyLambda = false;
    double lmin = 0, lmax = 1;
    for (int i = 0; i < 2; ++i) {
        const auto& p = m_result->panes[size_t(i)];
        if (p.lambdas.empty() || (i == 1 && sameModel)) continue;
        QVector<double> x, y;
        for (size_t l = 0; l < p.lambdas.size(); ++l) {
            x << double(l);
            y << p.lambdas[l];
        }
        if (!anyLambda) lmin = lmax = y.front();
        for (double v : y) lmin = std::min(lmin, v), lmax = std::max(lmax, v);
        anyLambda = true;
        QCPGraph* g = m_lambdaPlot->addGraph();
        g->setData(x, y, true);
        g->setPen(QPen(kPaneColours[i], 2));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 6));
        g->setName(sameModel ? fromStd(p.model.label) : paneName(i));
    }
    const int layers = std::max(1, m_result->panes[0].model.layers);
    m_lambdaPlot->xAxis->setRange(-0.5, layers - 0.5);
    if (anyLambda) {
        const double pad = std::max(0.05, (lmax - lmin) * 0.15);
        m_lambdaPlot->yAxis->setRange(lmin - pad, lmax + pad);
    } else {
        auto* t = new QCPItemText(m_lambdaPlot);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.5);
        t->setText(tr("No λ: standard attention"));
        t->setColor(text);
        m_lambdaPlot->yAxis->setRange(0, 1);
    }
    QSharedPointer<QCPAxisTickerFixed> ticker(new QCPAxisTickerFixed);
    ticker->setTickStep(1.0);
    ticker->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_lambdaPlot->xAxis->setTicker(ticker);
    m_entropyPlot->xAxis->setTicker(ticker);

    // Entropy per layer of both panes.
    double emin = 1e300, emax = -1e300;
    for (int i = 0; i < 2; ++i) {
        const auto& p = m_result->panes[size_t(i)];
        QVector<double> x, y;
        for (size_t l = 0; l < p.entropy.size(); ++l) {
            x << double(l);
            y << p.entropy[l];
            emin = std::min(emin, p.entropy[l]);
            emax = std::max(emax, p.entropy[l]);
        }
        QCPGraph* g = m_entropyPlot->addGraph();
        g->setData(x, y, true);
        g->setPen(QPen(kPaneColours[i], 2, i == 1 ? Qt::DashLine : Qt::SolidLine));
        g->setScatterStyle(QCPScatterStyle(i == 0 ? QCPScatterStyle::ssCircle : QCPScatterStyle::ssSquare, kPaneColours[i],
                                           palette().base().color(), 6));
        g->setName(paneName(i));
    }
    m_entropyPlot->xAxis->setRange(-0.5, layers - 0.5);
    if (emin <= emax) {
        const double pad = std::max(0.05, (emax - emin) * 0.15);
        m_entropyPlot->yAxis->setRange(emin - pad, emax + pad);
    }
    auto* line = new QCPItemStraightLine(m_entropyPlot);
    line->point1->setCoords(m_layer->value(), 0);
    line->point2->setCoords(m_layer->value(), 1);
    line->setPen(QPen(text, 1, Qt::DotLine));

    // Region share of both panes.
    QSharedPointer<QCPAxisTickerText> labels(new QCPAxisTickerText);
    QVector<double> x{1, 2}, y{0, 0};
    labels->addTick(1, paneName(0));
    labels->addTick(2, paneName(1));
    for (int i = 0; i < 2; ++i) {
        y[i] = regionShare(i).value_or(0.0);
        auto* bars = new QCPBars(m_regionPlot->xAxis, m_regionPlot->yAxis);
        bars->setWidth(0.6);
        bars->setName(paneName(i));
        bars->setData(QVector<double>{x[i]}, QVector<double>{y[i]}, true);
        bars->setPen(QPen(kPaneColours[i]));
        bars->setBrush(QColor(kPaneColours[i].red(), kPaneColours[i].green(), kPaneColours[i].blue(), 150));
    }
    m_regionPlot->xAxis->setTicker(labels);
    m_regionPlot->xAxis->setRange(0.4, 2.6);
    m_regionPlot->yAxis->setRange(0, 1);
    if (m_region.isEmpty()) {
        auto* t = new QCPItemText(m_regionPlot);
        t->position->setType(QCPItemPosition::ptAxisRectRatio);
        t->position->setCoords(0.5, 0.4);
        t->setText(tr("Shift-drag on a map to draw a region"));
        t->setColor(text);
    } else {
        // Uniform share (the region's area) as a reference line.
        auto* ref = new QCPItemStraightLine(m_regionPlot);
        const double area = m_region.width() * m_region.height();
        ref->point1->setCoords(0, area);
        ref->point2->setCoords(1, area);
        ref->setPen(QPen(text, 1, Qt::DashLine));
        for (int i = 0; i < 2; ++i) {
            auto* t = new QCPItemText(m_regionPlot);
            t->position->setCoords(x[i], std::min(0.92, y[i] + 0.1));
            t->setText(QString::number(y[i], 'f', 3));
            t->setColor(text);
        }
    }
    for (QCustomPlot* p : {m_lambdaPlot, m_entropyPlot, m_regionPlot}) p->replot();
}

void ExplainPage::setScaleMode(ScaleMode mode) { m_scaleMode->setCurrentIndex(mode == ScaleMode::Folder ? 1 : 0); }

ExplainPage::ScaleMode ExplainPage::scaleMode() const {
    return m_scaleMode->currentIndex() == 1 ? ScaleMode::Folder : ScaleMode::Comparison;
}

std::optional<std::pair<double, double>> ExplainPage::colourBarRange() const {
    if (!m_rendered) return std::nullopt;
    return m_renderedRange;
}

int ExplainPage::scalePhotos() const { return m_result ? m_result->scalePhotos : 0; }
QString ExplainPage::scaleText() const { return m_scaleLabel->text(); }

QRect ExplainPage::exportPaneRect(int pane) const {
    // figurePanes holds the photo first, then the two map panes.
    if (!m_rendered || pane < 0 || pane + 1 >= int(m_rendered->figurePanes.size())) return {};
    const auto& r = m_rendered->figurePanes[size_t(pane + 1)];
    return QRect(r.x, r.y, r.width, r.height);
}

QString ExplainPage::folderKey(QStringList* photos) const {
    if (!m_result) return {};
    const QStringList list = photosBeside(m_photo);
    if (photos) *photos = list;
    const auto& r = m_result->request;
    QStringList parts;
    parts << QFileInfo(m_photo).absolutePath() << QString::number(list.size()) << fromStd(r.modelA)
          << (r.mode == ex::CompareMode::TwoModels ? fromStd(r.modelB) : QString()) << QString::number(int(r.mode))
          << QString::number(int(r.method)) << QString::number(r.layer) << QString::number(r.head)
          << QString::number(int(r.absoluteRollout)) << QString::number(int(r.query.kind)) << fromStd(r.query.value);
    return parts.join(QChar(0x1f));
}

void ExplainPage::applyScale() {
    if (!m_result) {
        updateScaleLabel();
        return;
    }
    m_result->scale.low = m_ownLow;
    m_result->scale.high = m_ownHigh;
    m_result->scale.diverging = m_ownDiverging;
    m_result->scalePhotos = 0;
    m_appliedLeftOut = 0;
    if (scaleMode() == ScaleMode::Folder) {
        const QString key = folderKey(nullptr);
        auto it = m_folderScales.find(key);
        if (it != m_folderScales.end()) {
            const Status applied = ex::applyFolderScale(*m_result, **it);
            if (applied) {
                m_appliedLeftOut = int((*it)->failed.size());
            } else {
                // Computed for photos that have changed since: compute it again, once.
                m_folderScales.erase(it);
                const bool retry = m_folderProblem.isEmpty();
                m_folderProblem = retry ? tr("the folder's photos changed; computing it again")
                                        : QString::fromStdString(applied.error().message);
                if (retry) startFolderScale(key);
            }
        } else if ((!m_folderRunning || m_folderRunningKey != key) && m_folderProblem.isEmpty()) {
            startFolderScale(key);
        }
    }
    if (m_rendered && (m_renderedRange != std::make_pair(m_result->scale.low, m_result->scale.high) ||
                       m_renderedRegion != m_region))
        rerender();
    updateScaleLabel();
}

void ExplainPage::startFolderScale(const QString& key) {
    if (!m_result || !m_session) return;
    if (m_folderCancelFlag) m_folderCancelFlag->store(true);
    QStringList photos;
    folderKey(&photos);
    std::vector<std::string> list;
    for (const QString& p : photos) list.push_back(p.toStdString());
    const ex::ExplainRequest request = m_result->request;
    m_folderCancelFlag = std::make_shared<std::atomic<bool>>(false);
    const int generation = ++m_folderGeneration;
    m_folderRunning = true;
    m_folderRunningKey = key;
    m_folderProgress->setRange(0, int(list.size()));
    m_folderProgress->setValue(0);
    m_folderProgress->setVisible(true);
    m_folderCancel->setVisible(true);
    struct Outcome {
        std::shared_ptr<ex::FolderScale> scale;
        diffclip::Error error;
    };
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::progressValueChanged, this, [this, generation](int done) {
        if (generation != m_folderGeneration) return;
        m_folderProgress->setValue(done);
        updateScaleLabel();
    });
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, generation, key] {
        const Outcome o = watcher->future().resultCount() > 0
                              ? watcher->result()
                              : Outcome{nullptr, makeError(ErrorCode::Internal, "the folder scale gave no result")};
        watcher->deleteLater();
        folderScaleDone(generation, key, o.scale, int(o.error.code), QString::fromStdString(o.error.message));
    });
    auto session = m_session;
    auto cancel = m_folderCancelFlag;
    watcher->setFuture(QtConcurrent::run([session, cancel, request, list](QPromise<Outcome>& promise) {
        promise.setProgressRange(0, int(list.size()));
        auto res = session->folderScale(request, list, cancel.get(),
                                        [&promise](int done, int) { promise.setProgressValue(done); });
        Outcome o;
        if (res) o.scale = std::make_shared<ex::FolderScale>(std::move(*res));
        else o.error = res.error();
        promise.addResult(o);
    }));
    updateScaleLabel();
}

void ExplainPage::folderScaleDone(int generation, const QString& key, std::shared_ptr<ex::FolderScale> scale,
                                  int errorCode, const QString& errorDetail) {
    if (scale) {
        m_folderScales.insert(key, scale);
        ++m_folderRuns;
    }
    if (generation != m_folderGeneration) return;  // superseded; a finished scale is still cached
    m_folderRunning = false;
    m_folderRunningKey.clear();
    m_folderProgress->setVisible(false);
    m_folderCancel->setVisible(false);
    if (!scale && ErrorCode(errorCode) != ErrorCode::Cancelled) {
        const Error e{ErrorCode(errorCode), errorDetail.toStdString()};
        m_folderProblem = tr("it could not be computed (%1)").arg(errorDetail);
        showError(tr("The folder scale could not be computed"), ErrorText::libraryReason(e.code), ErrorText::details(e));
    }
    applyScale();
}

void ExplainPage::updateScaleLabel() {
    QString text;
    if (!m_result) {
        text = tr("Scale: explain a photo first");
    } else {
        const double m = std::max(std::fabs(m_result->scale.low), std::fabs(m_result->scale.high));
        const QString value = QString::number(m, 'g', 4);
        if (m_result->scalePhotos > 0) {
            // No English plural forms are loaded: one string for one photo, one for several.
            text = m_result->scalePhotos == 1
                       ? tr("Scale: folder of 1 photo, max |v| = %1").arg(value)
                       : tr("Scale: folder of %n photos, max |v| = %1", nullptr, m_result->scalePhotos).arg(value);
            if (m_appliedLeftOut == 1) text += tr(" (1 unreadable photo left out)");
            else if (m_appliedLeftOut > 1) text += tr(" (%n unreadable photos left out)", nullptr, m_appliedLeftOut);
        } else {
            text = tr("Scale: this comparison, max |v| = %1").arg(value);
            if (scaleMode() == ScaleMode::Folder) {
                if (m_folderRunning)
                    text += tr(" — the folder scale is being computed (%1 of %2 photos)")
                                .arg(m_folderProgress->value())
                                .arg(m_folderProgress->maximum());
                else if (!m_folderProblem.isEmpty())
                    text += tr(" — not the folder's: %1").arg(m_folderProblem);
            }
        }
    }
    m_scaleLabel->setText(text);
    m_colourBar->setToolTip(text);
}

void ExplainPage::showError(const QString& title, const QString& reason, const QString& details) {
    m_error->showError(title, reason, details);
}

void ExplainPage::choosePhoto() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Photo to explain"), QFileInfo(m_photo).absolutePath(),
                                                      tr("Photos (%1)").arg(photoFilePatterns()));
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
    const QString path = QFileDialog::getOpenFileName(this, tr("Query photo"), QFileInfo(m_photo).absolutePath(),
                                                      tr("Photos (%1)").arg(photoFilePatterns()));
    if (!path.isEmpty()) setQuery(path);
}

bool ExplainPage::exportPng(const QString& path) {
    if (!m_rendered) {
        showError(tr("Nothing to export"), tr("Explain a photo first."), {});
        return false;
    }
    const QImage img = toQImage(m_rendered->comparison);
    if (img.isNull() || !img.save(path, "PNG")) {
        showError(tr("The PNG could not be written"), tr("Check that the folder exists and that you may write to it."),
                  path);
        return false;
    }
    return true;
}

bool ExplainPage::exportPdf(const QString& path) {
    if (!m_rendered || !m_result) {
        showError(tr("Nothing to export"), tr("Explain a photo first."), {});
        return false;
    }
    QPdfWriter pdf(path);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setResolution(150);
    pdf.setTitle(tr("DiffCLIP Studio explain report"));
    pdf.setCreator(QStringLiteral("DiffCLIP Studio"));
    QPainter p;
    if (!p.begin(&pdf)) {
        showError(tr("The PDF could not be written"), tr("Check that the folder exists and that you may write to it."),
                  path);
        return false;
    }
    paintReport(p, p.viewport(), &pdf);
    p.end();
    if (QFileInfo(path).size() <= 0) {
        showError(tr("The PDF could not be written"), tr("Check that the folder exists and that you may write to it."),
                  path);
        return false;
    }
    return true;
}

void ExplainPage::paintReport(QPainter& p, const QRect& page, QPaintDevice* device) const {
    p.fillRect(page, Qt::white);
    p.setPen(Qt::black);
    const int margin = 60;
    int y = margin;
    const int width = page.width() - 2 * margin;
    QFont title = p.font();
    title.setPointSize(16);
    title.setBold(true);
    p.setFont(title);
    p.drawText(QRect(margin, y, width, 60), Qt::AlignLeft | Qt::AlignVCenter, tr("Explain report"));
    y += 70;
    QFont body = p.font();
    body.setPointSize(9);
    body.setBold(false);
    p.setFont(body);
    const auto& r = m_result->request;
    QStringList lines;
    lines << tr("Photo: %1").arg(QDir::cleanPath(QFileInfo(m_photo).absoluteFilePath()));
    lines << tr("Comparison: %1").arg(m_mode->currentText());
    for (size_t i = 0; i < m_result->panes.size(); ++i)
        lines << tr("Pane %1: %2 (%3)").arg(i + 1).arg(fromStd(m_result->panes[i].title), QDir::cleanPath(fromStd(m_result->panes[i].model.spec)));
    lines << tr("Method: %1 · layer %2 · head: %3 · opacity %4")
                 .arg(m_method->currentText())
                 .arg(m_layer->value())
                 .arg(m_head->currentText())
                 .arg(m_opacity->value() / 100.0, 0, 'f', 2);
    if (r.query.kind != ex::ExplainQuery::Kind::None) lines << tr("Query: %1").arg(fromStd(r.query.value));
    if (!m_region.isEmpty())
        lines << tr("Region (crop fraction): x %1–%2, y %3–%4")
                     .arg(m_region.left(), 0, 'f', 3)
                     .arg(m_region.right(), 0, 'f', 3)
                     .arg(m_region.top(), 0, 'f', 3)
                     .arg(m_region.bottom(), 0, 'f', 3);
    lines << fromStd(m_rendered->caption);
    const QFontMetrics fm(body, device);
    for (const QString& l : lines) {
        const QRect br = fm.boundingRect(QRect(margin, y, width, 1000), Qt::TextWordWrap, l);
        p.drawText(QRect(margin, y, width, br.height()), Qt::TextWordWrap, l);
        y += br.height() + 6;
    }
    y += 10;
    QImage fig = toQImage(m_rendered->comparison);
    if (!fig.isNull()) {
        const QSize s = fig.size().scaled(width, page.height() / 2, Qt::KeepAspectRatio);
        p.drawImage(QRect(margin, y, s.width(), s.height()), fig);
        y += s.height() + 20;
    }
    for (int i = 0; i < 2; ++i) {
        const QString l = tr("%1: %2").arg(m_titles[i]->text(), m_numbers[i]->text());
        const QRect br = fm.boundingRect(QRect(margin, y, width, 1000), Qt::TextWordWrap, l);
        p.drawText(QRect(margin, y, width, br.height()), Qt::TextWordWrap, l);
        y += br.height() + 6;
    }
    y += 10;
    const int chartW = (width - 20) / 3;
    const int chartH = std::min(page.height() - y - margin, chartW * 3 / 4);
    if (chartH > 40) {
        int x = margin;
        for (QCustomPlot* c : {m_lambdaPlot, m_entropyPlot, m_regionPlot}) {
            const QPixmap pm = c->toPixmap(320, 240, 3.0);
            p.drawPixmap(QRect(x, y, chartW, chartH), pm);
            x += chartW + 10;
        }
        y += chartH + 20;
    }
    QFont small = body;
    small.setPointSize(7);
    p.setFont(small);
    p.setPen(Qt::darkGray);
    p.drawText(QRect(margin, page.height() - margin, width, margin / 2), Qt::AlignLeft | Qt::AlignVCenter,
               tr("DiffCLIP Studio %1 · %2")
                   .arg(QStringLiteral(DIFFCLIP_VERSION), QLocale().toString(QDateTime::currentDateTime(), QLocale::ShortFormat)));
}

QImage ExplainPage::reportPreview(int width) const {
    if (!m_result || !m_rendered || width <= 0) return {};
    QImage img(width, width * 297 / 210, QImage::Format_RGB32);
    // The PDF's 150 dpi, so text has the same size relative to the page.
    img.setDotsPerMeterX(5906);
    img.setDotsPerMeterY(5906);
    img.fill(Qt::white);
    QPainter p(&img);
    paintReport(p, img.rect(), &img);
    return img;
}

void ExplainPage::exportPngAs() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export comparison as PNG"),
                                                      QFileInfo(m_photo).completeBaseName() + QStringLiteral("-explain.png"),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty()) exportPng(path);
}

void ExplainPage::exportPdfAs() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export PDF report"),
                                                      QFileInfo(m_photo).completeBaseName() + QStringLiteral("-explain.pdf"),
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
