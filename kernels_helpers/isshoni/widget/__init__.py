"""The notebook widget: a live diagram of a design (anywidget + cytoscape.js).

    from isshoni.widget import DesignWidget
    DesignWidget(design)        # a LiveDesign, an OfflineDesign or a plain isshoni.Design

It works wherever anywidget does (JupyterLab, Voila, VS Code notebooks), and
dragged node positions flow back into the design.
"""

from .view import DesignWidget, WidgetBundleMissing

__all__ = ["DesignWidget", "WidgetBundleMissing"]
