#include "RegistryJobs.h"
#include "StdText.h"

#include <QDir>
#include <QFile>

#include "ErrorText.h"
#include "diffclip/library/Library.h"
#include "diffclip/registry/ModelRegistry.h"
#include "diffclip/registry/RegistryImport.h"

namespace diffclip::ui {

JobCentre::Function RegistryJobs::activate(const QString& library, const QString& path) {
    return [library, path](const JobContext& ctx) {
        ctx.log(tr("Storing %1 as the active model of %2")
                    .arg(QDir::toNativeSeparators(path), QDir::toNativeSeparators(library)));
        diffclip::LibraryOptions options;
        options.create = false;
        auto lib = diffclip::Library::open(encoded(library), options);
        if (!lib) return JobOutcome::failure(ErrorText::libraryReason(lib.error().code), ErrorText::details(lib.error()));
        if (diffclip::Status s = lib->recordActiveModel(encoded(path)); !s)
            return JobOutcome::failure(ErrorText::libraryReason(s.error().code), ErrorText::details(s.error()));
        return JobOutcome::success(tr("Active model changed; the library is reopened with it"));
    };
}

JobCentre::Function RegistryJobs::remove(const QString& library, const QString& root, const QString& path) {
    return [library, root, path](const JobContext& ctx) {
        if (!library.isEmpty()) {
            diffclip::LibraryOptions options;
            options.create = false;
            auto lib = diffclip::Library::open(encoded(library), options);
            if (!lib)
                return JobOutcome::failure(ErrorText::libraryReason(lib.error().code), ErrorText::details(lib.error()));
            auto models = lib->models();
            if (!models)
                return JobOutcome::failure(ErrorText::libraryReason(models.error().code),
                                           ErrorText::details(models.error()));
            for (const auto& m : *models) {
                if (cleanOrEmpty(QFile::decodeName(m.name.c_str())) != path) continue;
                auto removed = lib->deleteModelEmbeddings(m.id);
                if (!removed)
                    return JobOutcome::failure(ErrorText::libraryReason(removed.error().code),
                                               ErrorText::details(removed.error()));
                ctx.log(tr("Removed %n embedding(s) from the library", nullptr, int(*removed)));
            }
        }
        if (diffclip::Status s = diffclip::removeRegistryVersion(encoded(root), encoded(path)); !s)
            return JobOutcome::failure(ErrorText::modelOpenReason(s.error().code), ErrorText::details(s.error()));
        return JobOutcome::success(tr("Deleted %1").arg(QDir::toNativeSeparators(path)));
    };
}

JobCentre::Function RegistryJobs::import(const QString& root, const QString& path, std::shared_ptr<QString> created) {
    return [root, path, created](const JobContext& ctx) {
        ctx.log(tr("Reading and checking %1").arg(QDir::toNativeSeparators(path)));
        auto r = diffclip::importIntoRegistry(encoded(root), encoded(path), {}, ctx.control());
        if (!r && r.error().code == diffclip::ErrorCode::Cancelled)
            return JobOutcome::cancelled(tr("Cancelled; nothing was added to the registry."));
        if (!r) return JobOutcome::failure(ErrorText::modelOpenReason(r.error().code), ErrorText::details(r.error()));
        *created = QFile::decodeName(r->c_str());
        return JobOutcome::success(tr("Added %1 to the registry").arg(QDir::toNativeSeparators(*created)));
    };
}

}  // namespace diffclip::ui
