#pragma once
// The Models page's registry actions as JobCentre work (what runs on the worker thread; the
// page submits them and reacts to the outcome). Each function copies its arguments; the work
// opens its own library connection, so it never shares one with the GUI thread.

#include <QCoreApplication>
#include <QString>
#include <memory>

#include "JobCentre.h"

namespace diffclip::ui {

class RegistryJobs {
    Q_DECLARE_TR_FUNCTIONS(RegistryJobs)

public:
    /// Stores `packagePath` as the active model of `libraryPath` (with the history Roll Back uses).
    static JobCentre::Function activate(const QString& libraryPath, const QString& packagePath);
    /// Deletes the version `packagePath` from the registry at `root`; first its embeddings from
    /// `libraryPath` (one transaction) unless that is empty.
    static JobCentre::Function remove(const QString& libraryPath, const QString& root, const QString& packagePath);
    /// Copies/converts `source` (file, package or preset:NAME) into the registry at `root` as a new
    /// version; on success `created` holds its folder (read it once the job has finished).
    static JobCentre::Function import(const QString& root, const QString& source, std::shared_ptr<QString> created);
};

}  // namespace diffclip::ui
