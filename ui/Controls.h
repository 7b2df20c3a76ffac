#pragma once
// Small constructors for the controls that many pages and dialogs build the same way, so that
// a button or a message label looks and reads alike everywhere. GUI thread only.

#include <QString>

#include <initializer_list>

class QDialog;
class QDialogButtonBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QWidget;

namespace diffclip::ui {

/// A push button showing `text` (with its mnemonic), named `accessibleName` for screen
/// readers and explained by `toolTip` where one is given. Owned by `parent`.
QPushButton* makeButton(const QString& text, const QString& accessibleName, QWidget* parent,
                        const QString& toolTip = QString());

/// A label showing `text` for `buddy`: the label's mnemonic focuses the buddy. Owned by `parent`.
QLabel* makeBuddyLabel(const QString& text, QWidget* buddy, QWidget* parent);

/// A plain widget holding `widgets` in a row without margins (a label and its control), so that
/// a wrapping layout keeps them together. `spacing` between them: the style's when negative.
QWidget* makeGroup(QWidget* parent, std::initializer_list<QWidget*> widgets, int spacing = -1);

/// A new row of `buttons` from the left, the rest of its width left empty. The caller adds it
/// to a layout.
QHBoxLayout* makeButtonRow(std::initializer_list<QWidget*> buttons);

/// OK and Cancel for `dialog`, OK showing `okText`: they call its accept() (an override
/// included) and reject(). Owned by the dialog; the caller lays it out.
QDialogButtonBox* makeOkCancelButtons(QDialog* dialog, const QString& okText);

/// A word-wrapped label whose text can be selected with the mouse (a status, a path, a
/// message to copy), named `objectName` where one is given. Owned by `parent`.
QLabel* makeSelectableLabel(QWidget* parent, const QString& objectName = QString());

/// Shows `widget`'s text in its own font, bold.
void setBold(QWidget* widget);

}  // namespace diffclip::ui
