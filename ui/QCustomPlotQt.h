#pragma once
// qcustomplot.h for code built with QT_NO_KEYWORDS (every target here): it uses Qt's
// lower-case keywords, mapped to their macro names around the include.

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
