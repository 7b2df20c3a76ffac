// Build-time tool: renders the application's SVG icon to a square PNG of a given size, for the
// hicolor theme's fixed-size folders (some panels and menus still only look there).
// Usage: diffclip_render_icon ICON.svg SIZE OUT.png
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
    // No application object: painting shapes into a QImage needs no display, platform plugin
    // or runtime folder (the icon holds no text, which would need the font database).
    if (argc != 4) {
        std::fprintf(stderr, "usage: diffclip_render_icon ICON.svg SIZE OUT.png\n");
        return 2;
    }
    const int size = std::atoi(argv[2]);
    if (size < 8 || size > 4096) {
        std::fprintf(stderr, "diffclip_render_icon: size must be 8..4096\n");
        return 2;
    }
    QSvgRenderer svg(QString::fromLocal8Bit(argv[1]));
    if (!svg.isValid()) {
        std::fprintf(stderr, "diffclip_render_icon: cannot read SVG %s\n", argv[1]);
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::SmoothPixmapTransform);
        svg.render(&painter, QRectF(0, 0, size, size));
    }
    if (!image.save(QString::fromLocal8Bit(argv[3]), "PNG")) {
        std::fprintf(stderr, "diffclip_render_icon: cannot write %s\n", argv[3]);
        return 1;
    }
    return 0;
}
