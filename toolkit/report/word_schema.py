"""What Word's schema asks of the XML the Word adapter (report/word.py) writes: the order of a parent's children and
which on/off properties take no value. Plain data, so that the adapter holds only the code that touches the XML."""

from __future__ import annotations

# The schema's sequence of a parent's children, from the element that is inserted on (ECMA-376 transitional).
TBL_PR = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
           "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
           "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
TR_PR = ("w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del",
          "w:trPrChange")
P_PR = ("w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
SETTINGS = ("w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids",
             "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
             "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType",
             "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator")
ON_OFF_ONLY = ("w:cantSplit", "w:tblHeader")  # ST_OnOffOnly: "on"/"off", or the element alone for on
STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
