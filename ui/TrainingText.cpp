#include "TrainingText.h"

#include <QLocale>

#include "ErrorText.h"
#include "JobCentre.h"
#include "diffclip/training/TrainJob.h"

namespace diffclip::ui {

QString TrainingText::percent(double fraction) {
    return fraction < 0 ? QStringLiteral("–") : QLocale().toString(100.0 * fraction, 'f', 1) + QStringLiteral(" %");
}

QString TrainingText::clock(double seconds) {
    if (seconds < 0) return QStringLiteral("?");
    const auto s = qint64(seconds + 0.5);
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QString TrainingText::failureReason(diffclip::ErrorCode code) {
    switch (code) {
    case diffclip::ErrorCode::InvalidArgument:
        return tr("The data or the settings cannot be used for training. The details say which.");
    case diffclip::ErrorCode::NotFound:
        return tr("A folder or model was not found. Check the data folder and the base model.");
    case diffclip::ErrorCode::Mismatch:
        return tr("A checkpoint with this output name belongs to other settings or data. Choose another "
                  "output name, or remove the checkpoint folder named in the details.");
    case diffclip::ErrorCode::Io:
        return tr("Writing the model or its checkpoint failed. Check the free space and permissions of "
                  "the model folder.");
    case diffclip::ErrorCode::OutOfMemory:
        return tr("Training ran out of memory. Choose the quick preset, a smaller architecture or the CPU.");
    default: return ErrorText::modelOpenReason(code);
    }
}

QString TrainingText::progressLine(const diffclip::TrainMetrics& p, bool linear) {
    QString line = linear ? tr("Iteration %1 of %2").arg(p.epoch).arg(p.epochs) : tr("Epoch %1 of %2").arg(p.epoch).arg(p.epochs);
    line += QStringLiteral(" · ") + tr("loss %1").arg(QLocale().toString(p.loss, 'f', 4));
    if (p.valTop1 >= 0) line += QStringLiteral(" · ") + tr("validation top-1 %1").arg(percent(p.valTop1));
    if (p.imagesPerSecond > 0)
        line += QStringLiteral(" · ") + tr("%1 photos/s").arg(QLocale().toString(p.imagesPerSecond, 'f', 1));
    line += QStringLiteral(" · ") + tr("elapsed %1").arg(clock(p.elapsedSeconds));
    if (p.remainingSeconds >= 0)
        line += QStringLiteral(" · ") + tr("about %1 left").arg(JobCentre::durationText(p.remainingSeconds));
    if (p.variant.empty()) return line;
    return QStringLiteral("[%1] ").arg(QString::fromStdString(p.variant)) + line;
}

QString TrainingText::variantName(const QString& key) {
    return key == QLatin1String("differential") ? tr("Differential attention") : tr("Standard attention");
}

QString TrainingText::folderName(QString s) {
    s = s.trimmed();
    for (QChar& c : s)
        if (c == QLatin1Char('/') || c == QLatin1Char('\\') || c == QLatin1Char(':') || c.category() == QChar::Other_Control)
            c = QLatin1Char('_');
    while (s.startsWith(QLatin1Char('.'))) s[0] = QLatin1Char('_');
    return s;
}

}  // namespace diffclip::ui
